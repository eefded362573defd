'use strict';
// Loads the addon through node-gyp-build: build/Release/ (the developer build) if present, else
// the prebuilt binary for this platform from prebuilds/ (linux-x64 and linux-arm64, glibc).
// No matching binary: a typed error (code ERR_PLH_NATIVE_NO_PREBUILD) naming the platform and
// saying how to build from the repository.
const load = require('node-gyp-build');

function platformName() {
  const libc = process.platform === 'linux' ? (process.env.LIBC || (require('node:fs').existsSync('/etc/alpine-release') ? 'musl' : 'glibc')) : '';
  return `${process.platform}-${process.arch}${libc ? ` (${libc})` : ''}`;
}

try {
  module.exports = load(__dirname);
} catch (cause) {
  if (!/^No native build was found/.test(String(cause?.message))) throw cause;
  const error = new Error(
    `@plh/datablock-native has no prebuilt binary for ${platformName()}, Node ${process.version}: ` +
      'prebuilt binaries exist for linux-x64 and linux-arm64 with glibc 2.28 or newer. ' +
      'On another platform, build it from the repository: clone it, run `pnpm install && pnpm build` ' +
      '(needs python3, make and a C++ compiler), and depend on packages/datablock/native from there.',
    { cause },
  );
  error.code = 'ERR_PLH_NATIVE_NO_PREBUILD';
  throw error;
}

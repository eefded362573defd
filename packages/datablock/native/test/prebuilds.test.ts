// The prebuilt binaries that ship in the package (scripts/prebuild.cjs): each one needs no glibc
// symbol newer than 2.28 and no libstdc++ (libc++ is linked in), exports only N-API's entry
// points, is built for the right CPU, and loads from a copy of the package that has no
// build/Release (as installed from the registry). A platform without a prebuild gets a typed error.
// Runs where prebuilds exist (in CI always: their absence fails there).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const GLIBC_FLOOR = [2, 28];
// GCC 8's libstdc++ (glibc 2.28's era); a binary should need none at all.
const GLIBCXX_FLOOR = [3, 4, 25];
const targets = [
  { arch: 'x64', machine: 'Advanced Micro Devices X86-64' },
  { arch: 'arm64', machine: 'AArch64' },
];

const fileOf = (arch: string) => join(root, 'prebuilds', `linux-${arch}`, 'node.napi.glibc.node');
const present = (arch: string) => {
  if (existsSync(fileOf(arch))) return true;
  if (process.env.CI) return true; // in CI the prebuilds must exist: the test runs and fails
  console.warn(`skipped: no prebuilds/linux-${arch} (run: pnpm --filter @plh/datablock-native run prebuild)`);
  return false;
};

const readelf = (args: string[], file: string) => execFileSync('readelf', [...args, file], { encoding: 'utf8' });
const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};
/** The highest symbol version `prefix_x.y.z` the binary needs, or null. */
function highest(symbols: string, prefix: string): number[] | null {
  const versions = [...symbols.matchAll(new RegExp(`@${prefix}_([0-9.]+)`, 'g'))].map((m) => m[1]!.split('.').map(Number));
  return versions.length ? versions.sort(compare).at(-1)! : null;
}

/** A copy of the package as the registry would install it: loaders, prebuilds, node-gyp-build; no build/. */
function installedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plh-native-pkg-'));
  for (const f of ['index.cjs', 'index.mjs', 'package.json', 'prebuilds']) cpSync(join(root, f), join(dir, f), { recursive: true });
  const ngb = dirname(realpathSync(createRequire(join(root, 'index.cjs')).resolve('node-gyp-build/package.json')));
  cpSync(ngb, join(dir, 'node_modules', 'node-gyp-build'), { recursive: true });
  return dir;
}

describe('prebuilt binaries', () => {
  for (const { arch, machine } of targets) {
    it.runIf(present(arch))(`linux-${arch}: glibc <= 2.28, no libstdc++, only N-API exports, ${machine}`, () => {
      const file = fileOf(arch);
      expect(readelf(['-h'], file)).toContain(machine);
      const symbols = readelf(['-W', '--dyn-syms'], file);
      const glibc = highest(symbols, 'GLIBC');
      expect(glibc, 'needs some glibc symbol').not.toBeNull();
      expect(compare(glibc!, GLIBC_FLOOR), `needs GLIBC_${glibc!.join('.')}, above the 2.28 floor`).toBeLessThanOrEqual(0);
      const glibcxx = highest(symbols, 'GLIBCXX');
      if (glibcxx) expect(compare(glibcxx, GLIBCXX_FLOOR), `needs GLIBCXX_${glibcxx.join('.')}`).toBeLessThanOrEqual(0);
      const needed = [...readelf(['-d'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
      expect(needed.filter((lib) => /stdc\+\+|c\+\+|gcc_s/.test(lib!))).toEqual([]);
      const exported = symbols
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[4] === 'GLOBAL' && f[6] !== 'UND')
        .map((f) => f[7]);
      expect(exported.sort()).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
    });
  }

  const host = targets.find((t) => t.arch === process.arch);
  it.runIf(host && present(process.arch))(`the linux-${process.arch} prebuild loads from an installed copy (no build/), CJS and ESM`, () => {
    const dir = installedCopy();
    try {
      const cjs = execFileSync(process.execPath, ['-e', "const b = require('./index.cjs'); console.log(typeof b.Mapping, typeof b.NotifySocket, b.crc32c(Buffer.from('123456789')) >>> 0)"], { cwd: dir, encoding: 'utf8' });
      expect(cjs.trim()).toBe(`function function ${0xe3069283}`);
      const esm = execFileSync(process.execPath, ['--input-type=module', '-e', "import { NotifySocket, abiVersion } from './index.mjs'; console.log(typeof NotifySocket, abiVersion)"], { cwd: dir, encoding: 'utf8' });
      expect(esm.trim()).toBe('function 1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(host && present(process.arch))('no prebuild for the platform (musl here): a typed error naming it and saying how to build', () => {
    const dir = installedCopy();
    try {
      const out = execFileSync(process.execPath, ['-e', "try { require('./index.cjs'); console.log('loaded') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }"], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, LIBC: 'musl' },
      });
      const error = JSON.parse(out);
      expect(error.code).toBe('ERR_PLH_NATIVE_NO_PREBUILD');
      expect(error.message).toContain(`linux-${process.arch} (musl)`);
      expect(error.message).toContain('pnpm install && pnpm build');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

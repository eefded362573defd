// A PATH without a compiler: one directory of symlinks to every program on the current PATH
// except compilers and build tools (gcc, g++, cc, c++, make, python3, clang, zig, cross
// compilers, ...). Installs run under it prove that a package needs no build at install time.
import { accessSync, constants, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const DENIED = /^(cc|c\+\+|cpp|c89|c99|gcc|g\+\+|tcc|clang|clang\+\+|clang-\d+|clang\+\+-\d+|zig|make|gmake|cmake|ninja|scons|python|python\d[\d.]*|python\d?[\d.]*-config|pip\d?[\d.]*|node-gyp|(gcc|g\+\+|cpp)-\d+|.*-linux-gnu-.*|.*-linux-musl-.*)$/;

/** Names of the programs that must never be found on the PATH this module builds. */
export const MUST_BE_ABSENT = ['g++', 'gcc', 'cc', 'c++', 'make', 'python3', 'python', 'clang', 'zig'];

/** Builds `dir` and returns the PATH value to use (that one directory). */
export function makeNoCompilerPath(dir, path = process.env.PATH ?? '') {
  mkdirSync(dir, { recursive: true });
  const seen = new Set();
  for (const entry of path.split(delimiter)) {
    if (!entry) continue;
    let names;
    try {
      names = readdirSync(entry);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name) || DENIED.test(name)) continue;
      const target = join(entry, name);
      try {
        if (!statSync(target).isFile()) continue;
        accessSync(target, constants.X_OK);
      } catch {
        continue;
      }
      seen.add(name);
      symlinkSync(target, join(dir, name));
    }
  }
  for (const required of ['node', 'npm', 'pnpm', 'sh']) {
    if (!seen.has(required)) throw new Error(`no-compiler PATH: ${required} not found on PATH ${path}`);
  }
  return dir;
}

import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Child fixtures import '@plh/ready-signal' by name, which resolves to dist/. Rebuild it when it
 * is missing or older than src/, so the children never run stale code.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
    }));
  let built = 0;
  try {
    built = Math.min(statSync(join(root, 'dist/index.js')).mtimeMs, statSync(join(root, 'dist/index.cjs')).mtimeMs);
  } catch {
    built = 0;
  }
  if (built < newest(join(root, 'src'))) {
    const tsupPackage = createRequire(join(root, 'package.json')).resolve('tsup/package.json');
    execFileSync(process.execPath, [join(tsupPackage, '..', 'dist/cli-default.js')], { cwd: root, stdio: 'inherit' });
  }
}

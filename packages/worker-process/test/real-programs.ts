// Real programs (Debian packages listed in scripts/ci/apt-packages.txt) that tests run. On a
// developer machine without one, the test is skipped and the program's name printed; in CI
// (CI=true) a missing program is a failure.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The program's path; undefined (after printing why) when a developer lacks it; throws in CI. */
export function requireProgram(name: string, debianPackage = name): string | undefined {
  const found = findProgram(name);
  if (found !== undefined) return found;
  const message = `${name} is not installed (Debian package ${debianPackage}; bash scripts/ci/install-apt.sh installs it)`;
  if (process.env.CI === 'true') throw new Error(`${message}: required in CI.`);
  console.warn(`skipping tests that need ${message}`);
  return undefined;
}

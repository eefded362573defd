// Real programs the readiness tests run (Debian packages listed in scripts/ci/apt-packages.txt).
// On a developer machine a missing one skips its tests, naming it; in CI (CI=true) it fails them.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

export function have(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) return true; // run anyway: the spawn fails the test
    console.warn(`skipped: ${program} is not installed (apt-get install it, see scripts/ci/apt-packages.txt)`);
    return false;
  }
}

/** A TCP port that was free a moment ago (for programs like redis where port 0 means "no TCP"). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

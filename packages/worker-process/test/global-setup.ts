import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Worker fixtures import '@plh/worker-process' by name, which resolves to dist/.
export default function setup(): void {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  if (!existsSync(dist)) {
    throw new Error(`${dist} is missing: run \`pnpm --filter @plh/worker-process build\` before the tests (turbo's test task does).`);
  }
}

// The test configuration every package shares: where tests are, bounds on hangs, and the leak
// guard (test-support/leak-guard.ts) after every test file.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const leakGuard = fileURLToPath(new URL('./test-support/leak-guard.ts', import.meta.url));

export function packageTestConfig(options: { globalSetup?: string[] } = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      setupFiles: [leakGuard],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
    },
  });
}

import { packageTestConfig } from '../../vitest.shared.mts';

// test/pool-threads runs in its own pass (vitest.threads.config.ts).
const config = packageTestConfig();
config.test = { ...config.test, exclude: ['test/pool-threads/**', '**/node_modules/**'] };
export default config;

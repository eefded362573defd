import { packageTestConfig } from '../../vitest.shared.mts';

// vitest's `threads` pool: the files of test/pool-threads run as worker threads of one process,
// at the same time, each with its own blocks and participants (threads are participants).
const config = packageTestConfig();
config.test = { ...config.test, include: ['test/pool-threads/*.test.ts'], pool: 'threads' };
export default config;

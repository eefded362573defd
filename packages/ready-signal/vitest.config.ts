import { packageTestConfig } from '../../vitest.shared.mts';

export default packageTestConfig({ globalSetup: ['test/global-setup.ts'] });

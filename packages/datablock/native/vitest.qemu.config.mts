// The native suite on arm64 under qemu-user (scripts/ci/arm64.sh): vitest itself runs on the
// host's Node; its worker processes, and every process the tests spawn, run the arm64 Node
// through PLH_QEMU_NODE (a script that execs qemu-aarch64-static with that Node), because
// without binfmt_misc an arm64 binary cannot be exec'd directly.
import { packageTestConfig } from '../../../vitest.shared.mts';

const wrapper = process.env.PLH_QEMU_NODE;
if (!wrapper) throw new Error('vitest.qemu.config.mts: set PLH_QEMU_NODE (see scripts/ci/arm64.sh)');
process.execPath = wrapper; // vitest forks its workers with process.execPath

const config = packageTestConfig();
config.test!.setupFiles = [...(config.test!.setupFiles as string[]), './test/qemu-setup.ts'];
config.test!.testTimeout = 120_000;
config.test!.hookTimeout = 120_000;
export default config;

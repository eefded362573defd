// Setup file of vitest.qemu.config.mts: inside a worker running the arm64 Node under qemu,
// process.execPath names the arm64 binary, which cannot be exec'd without binfmt_misc; children
// the tests spawn with process.execPath go through the qemu wrapper instead.
if (process.env.PLH_QEMU_NODE) process.execPath = process.env.PLH_QEMU_NODE;

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/worker.ts', 'src/vitest.ts', 'src/node-test.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  shims: true, // import.meta.url in the CJS build (Ready.sdNotify loads the addon lazily)
  sourcemap: true,
  target: 'node20',
  external: ['vitest', '@plh/ready-signal', 'execa', '@plh/datablock-native'],
});

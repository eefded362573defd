import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {"index": "src/index.ts", "cli": "src/cli.ts", "workers": "src/workers.ts", "bench/cli": "src/bench/cli.ts", "bench/ready-child": "src/bench/ready-child.ts", "bench/readiness-child": "src/bench/readiness-child.ts", "bench/mutex-child": "src/bench/mutex-child.ts", "bench/slot-child": "src/bench/slot-child.ts"},
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  external: ['proper-lockfile', 'wait-on'],
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm', 'cjs'],
  // shared chunks in CJS too, so the /node entry and the main entry share one copy of every module
  // (one copy of each class and of module state), in ESM and in CJS alike
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  external: ['webgpu'],
});

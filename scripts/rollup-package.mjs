// Shared rollup recipe for every package: ESM + CJS from esbuild (never minified: gpu.js
// parses kernel bodies from their source text) and one bundled .d.ts per entry from rollup-plugin-dts.
// A secondary entry's .d.ts imports what it shares with the main entry (`index`) from the package's
// own name (see dts-shared-declarations.mjs), so both entries name the same types.
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aliasableNamespaces, sharedDeclarations } from './dts-shared-declarations.mjs';

export function packageConfig(dir, inputs = { index: 'src/index.ts' }) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ];
  const external = (id) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));
  // Rollup only adds files: without this, chunks of earlier builds (hashed names) stay in dist/ and are published.
  const cleanDist = { name: 'clean-dist', buildStart: () => rmSync(join(dir, 'dist'), { recursive: true, force: true }) };
  const js = {
    input: inputs,
    external,
    // JSON files are data assets (e.g. shipped weights), bundled as ES modules.
    // __PACKAGE_VERSION__ lets a package name its own version in messages (tensor-gpu's shared engine).
    plugins: [cleanDist, esbuild({ target: 'es2022', minify: false, sourceMap: true, include: /\.([jt]sx?|json)$/, loaders: { '.json': 'json' }, define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) } })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
    ],
  };
  const types = Object.entries(inputs).map(([name, input]) => ({
    input,
    external,
    plugins: [
      name === 'index' ? aliasableNamespaces() : sharedDeclarations({ dir, mainEntry: inputs.index, packageName: pkg.name }),
      dts({ tsconfig: join(dir, 'tsconfig.json') }),
    ],
    output: [{ file: `dist/${name}.d.ts`, format: 'es' }, { file: `dist/${name}.d.cts`, format: 'es' }],
  }));
  return [js, ...types];
}

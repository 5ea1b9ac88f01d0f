// The lab is an application: one ESM entry (the `nnlab` command) with a shebang. Dependencies and
// Node built-ins stay external; nothing is minified (gpu.js parses kernel bodies from source text).
import esbuild from 'rollup-plugin-esbuild';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const pkg = JSON.parse(await readFile(join(import.meta.dirname, 'package.json'), 'utf8'));
const deps = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
];

/** Marks the built command executable, so that `./dist/cli.js` runs directly. */
const executable = {
  name: 'executable',
  async writeBundle(options, bundle) {
    for (const file of Object.keys(bundle)) {
      if (file.endsWith('.js')) await chmod(join(options.dir, file), 0o755);
    }
  },
};

export default {
  input: { cli: 'src/cli.ts' },
  external: (id) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`)),
  plugins: [esbuild({ target: 'es2022', minify: false, keepNames: true, sourceMap: true }), executable],
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    banner: '#!/usr/bin/env node',
    sourcemap: true,
  },
};

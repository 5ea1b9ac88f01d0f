#!/usr/bin/env node
// Install weight: packs @nnlab/tensor-gpu and @nnlab/lca as published, installs the tarballs with npm
// into fresh projects outside the workspace in the ways the tensor-gpu README describes, and prints
// how many packages and bytes each way adds. The numbers in that README come from this script.
//
//   node scripts/install-weight.mjs [--with-scripts]
//
// Needs the packages built first, `pnpm`, `npm` and the npm registry (or a warm npm cache). Install
// scripts are skipped unless --with-scripts is given: `gl` then compiles from source wherever no
// prebuilt binary can be fetched, which takes minutes and is not what this script measures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const withScripts = process.argv.includes('--with-scripts');

/** The ways of installing that the README documents. */
const variants = [
  { name: 'npm install', flags: [] },
  { name: 'npm install --omit=optional', flags: ['--omit=optional'] },
  {
    name: 'npm install --omit=optional, with the webgpu override',
    flags: ['--omit=optional'],
    // gpu.js lists webgpu@0.2.9 (Dawn for four platforms) but never loads it; this swaps it for a
    // types-only package under gpu.js alone, leaving any webgpu the project installs itself alone.
    manifest: { overrides: { 'gpu.js': { webgpu: 'npm:@webgpu/types@^0.1.54' } } },
  },
];

const smokeTest = `const t = require('@nnlab/tensor-gpu');
require('@nnlab/lca');
t.setBackend('cpu').then(async () => {
  const product = t.matmul(t.tensor([1, 2, 3, 4], [2, 2]), t.tensor([5, 6, 7, 8], [2, 2]));
  console.log(JSON.stringify(Array.from(await product.data())));
});`;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** npm's environment without the npm_* variables of an enclosing `pnpm run`. */
function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !(key.startsWith('npm_') && !key.startsWith('npm_config_')) && !key.startsWith('PNPM_')));
}

/** Every package folder under a node_modules tree, as `name@version` (nested copies included). */
function installedPackages(nodeModules) {
  const found = [];
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
        continue;
      }
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      found.push(`${manifest.name}@${manifest.version}`);
      if (existsSync(join(path, 'node_modules'))) visit(join(path, 'node_modules'));
    }
  };
  visit(nodeModules);
  return found;
}

function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const work = mkdtempSync(join(tmpdir(), 'nnlab-install-weight-'));
try {
  const tarballs = ['packages/tensor-gpu', 'packages/lca'].map(
    (dir) => JSON.parse(run('pnpm', ['--dir', join(repoRoot, dir), 'pack', '--pack-destination', work, '--json'])).filename,
  );
  console.log(`tarballs: ${tarballs.map((file) => file.slice(work.length + 1)).join(', ')}${withScripts ? '' : ' (install scripts skipped)'}`);
  for (const variant of variants) {
    const project = join(work, `project-${variants.indexOf(variant)}`);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'install-weight', version: '1.0.0', private: true, ...variant.manifest }, null, 2));
    const started = Date.now();
    const scripts = withScripts ? [] : ['--ignore-scripts'];
    run('npm', ['install', '--no-audit', '--no-fund', ...scripts, ...variant.flags, ...tarballs], { cwd: project, env: npmEnv() });
    const seconds = (Date.now() - started) / 1000;
    const installed = installedPackages(join(project, 'node_modules'));
    const megabytes = bytesUnder(join(project, 'node_modules')) / 1e6;
    const heavy = installed.filter((id) => /^(webgpu|gl)@/.test(id));
    // The packages must still work installed this way: a product on the cpu backend, and lca loads.
    const product = run(process.execPath, ['-e', smokeTest], { cwd: project, env: npmEnv() }).trim();
    if (product !== '[19,22,43,50]') throw new Error(`${variant.name}: the installed packages computed ${product}, expected [19,22,43,50]`);
    console.log(`${variant.name}: ${installed.length} packages, ${megabytes.toFixed(1)} MB in node_modules, ${seconds.toFixed(1)} s; native: ${heavy.join(', ') || 'none'}; matmul ${product}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

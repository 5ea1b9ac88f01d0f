#!/usr/bin/env node
// Packaging check: packs every published @nnlab package the way it is published, installs the
// tarballs into a fresh project outside the workspace and uses them from ES modules and CommonJS.
//
//   node scripts/pack-check.mjs [--keep] [--json <file>]
//
// Needs the packages built first (`pnpm exec turbo run build --filter=@nnlab/packaging-tests...`), `pnpm`, `npm`
// and `tar` on PATH, and the npm registry (or a warm npm cache) for the third-party dependencies.
// Exits 1 and lists every failed check; --keep leaves the temporary directory in place.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** The packages under test, and the named exports each must offer to both module systems. */
const packages = [
  {
    name: '@nnlab/tensor-gpu',
    dir: 'packages/tensor-gpu',
    // Every function the usage example in packages/tensor-gpu/README.md calls.
    exports: ['getBackend', 'matmul', 'mean', 'memory', 'mul', 'relu', 'setBackend', 'sqrt', 'sum', 'tensor', 'tidy', 'transpose', 'valueAndGrad'],
  },
  { name: '@nnlab/lca', dir: 'packages/lca', exports: ['OnlineLca', 'allocateTrajectory'] },
  { name: '@nnlab/compressibility', dir: 'packages/compressibility', exports: ['compressibilityLoss', 'quantizeUniform'] },
  { name: '@nnlab/pack', dir: 'packages/pack', exports: ['pack', 'hyperband', 'planPacks'] },
  { name: '@nnlab/loss-scale', dir: 'packages/loss-scale', exports: ['MixedPrecisionTrainer', 'adaptiveScaling', 'dynamicScaling'] },
  { name: '@nnlab/dfa', dir: 'packages/dfa', exports: ['createDfa', 'fitDfa', 'measureAlignment'] },
  { name: '@nnlab/bab-gnn', dir: 'packages/bab-gnn', exports: ['verify', 'parseNnet', 'parseVnnlib', 'loadPretrainedGnn'] },
  // A data package: its files under data/ are part of what it publishes.
  { name: '@nnlab/verification-benchmarks', dir: 'packages/verification-benchmarks', exports: ['BENCHMARK_NAMES', 'CHECKSUM_FILE', 'parseSha256Sums'], allowed: [/^data\//] },
];

/** A file both module systems read from the installed data package (checksum-verified), with its size. */
const benchmarkProbe = { path: 'acasxu/vnnlib/prop_1.vnnlib', bytes: 888 };

/** What a tarball may contain (paths inside its `package/` folder). */
const allowedInTarball = [/^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICEN[CS]E(\.md|\.txt)?$/, /^dist\//];

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

const failures = [];
const summary = { packages: {}, esm: null, cjs: null, readmeExample: null, types: null, entryTypes: null };
const fail = (message) => {
  failures.push(message);
  console.log(`  FAIL ${message}`);
};
const ok = (message) => console.log(`  ok   ${message}`);
const checkBenchmarkProbe = (system, bytes, acasXuDir) => {
  if (bytes === benchmarkProbe.bytes) ok(`${system}: the installed data package reads ${benchmarkProbe.path} (${bytes} bytes, SHA-256 checked)`);
  else fail(`${system}: the installed data package read ${bytes} bytes of ${benchmarkProbe.path}, expected ${benchmarkProbe.bytes}`);
  // @nnlab/bab-gnn/node finds its optional peer in the consumer's node_modules.
  const expectedDir = join(project, 'node_modules', '@nnlab', 'verification-benchmarks', 'data', 'acasxu');
  if (acasXuDir === expectedDir) ok(`${system}: @nnlab/bab-gnn/node acasXuDataDir() is the installed data package's acasxu folder`);
  else fail(`${system}: @nnlab/bab-gnn/node acasXuDataDir() gave ${acasXuDir}, expected ${expectedDir}`);
};

/** Runs a command; returns its stdout, or throws with its output when it exits non-zero. */
function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}\n${output}`);
  }
  return result.stdout;
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile())
    .map((path) => relative(dir, path).split('\\').join('/'));
}

/** Every file path an `exports` value points to, with the chain of conditions that leads to it. */
function exportTargets(value, conditions = []) {
  if (typeof value === 'string') return [{ conditions, target: value }];
  if (Array.isArray(value)) return value.flatMap((item) => exportTargets(item, conditions));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => exportTargets(item, [...conditions, key]));
  }
  return [];
}

/** The environment for npm: this script often runs under `pnpm run`, whose npm_* variables are not meant for npm. */
function npmEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') && !key.startsWith('npm_config_')) continue;
    if (key === 'npm_config_user_agent' || key.startsWith('PNPM_') || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}

const work = mkdtempSync(join(tmpdir(), 'nnlab-pack-check-'));
const tarballDir = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballDir);
mkdirSync(project);
console.log(`pack-check: working in ${work}`);

try {
  // 1. Pack each package as `pnpm publish` would (workspace: ranges become version ranges).
  const tarballs = [];
  const specifiers = []; // every entry point of the exports maps, e.g. '@nnlab/tensor-gpu/node'
  for (const pkg of packages) {
    console.log(`\n${pkg.name}`);
    const pkgDir = join(repoRoot, pkg.dir);
    if (!existsSync(join(pkgDir, 'dist'))) {
      fail(`${pkg.name}: ${pkg.dir}/dist does not exist; build first (pnpm exec turbo run build --filter=${pkg.name})`);
      continue;
    }
    const packed = JSON.parse(run('pnpm', ['--dir', pkgDir, 'pack', '--pack-destination', tarballDir, '--json']));
    tarballs.push(packed.filename);
    ok(`packed ${relative(work, packed.filename)}`);

    const extracted = join(work, 'extracted', pkg.dir);
    mkdirSync(extracted, { recursive: true });
    run('tar', ['-xzf', packed.filename, '-C', extracted]);
    const root = join(extracted, 'package');
    const files = filesUnder(root).sort();
    summary.packages[pkg.name] = { tarball: packed.filename, files };
    console.log(`  files: ${files.join(', ')}`);

    // 2. Contents: the build output and the package's own documents, nothing else.
    const allowed = [...allowedInTarball, ...(pkg.allowed ?? [])];
    const unexpected = files.filter((file) => !allowed.some((pattern) => pattern.test(file)));
    if (unexpected.length) fail(`${pkg.name}: unexpected files in the tarball: ${unexpected.join(', ')}`);
    else ok(`contains only dist/, README, LICENSE, package.json (and CHANGELOG when present)${pkg.allowed ? ` and ${pkg.allowed.join(', ')}` : ''}`);
    for (const required of ['package.json', 'README.md', 'LICENSE']) {
      if (!files.includes(required)) fail(`${pkg.name}: the tarball has no ${required}`);
    }
    if (!files.some((file) => file.startsWith('dist/'))) fail(`${pkg.name}: the tarball has no dist/ files`);
    const testFiles = files.filter((file) => /\.(test|spec)\.|\.tsbuildinfo$/.test(file));
    if (testFiles.length) fail(`${pkg.name}: test or build-cache files in the tarball: ${testFiles.join(', ')}`);

    // 3. The packed manifest: no workspace: ranges, every entry point and types file present.
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const subpaths = typeof manifest.exports === 'object' && !Array.isArray(manifest.exports) && Object.keys(manifest.exports).every((key) => key.startsWith('.'))
      ? Object.keys(manifest.exports).filter((key) => key !== './package.json' && !key.includes('*'))
      : ['.'];
    specifiers.push(...subpaths.map((subpath) => pkg.name + subpath.slice(1)));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) fail(`${pkg.name}: ${field}.${dep} is still "${range}"`);
      }
    }
    const targets = [
      ...exportTargets(manifest.exports ?? {}),
      ...['main', 'module', 'types'].filter((field) => manifest[field]).map((field) => ({ conditions: [field], target: manifest[field] })),
    ];
    if (!targets.some(({ conditions }) => conditions.includes('types'))) fail(`${pkg.name}: exports declare no types`);
    for (const { conditions, target } of targets) {
      const path = target.replace(/^\.\//, '');
      if (files.includes(path)) ok(`${conditions.join(' > ')} -> ${target}`);
      else fail(`${pkg.name}: ${conditions.join(' > ')} points to ${target}, which is not in the tarball`);
    }
  }
  if (tarballs.length !== packages.length) throw new Error('not every package could be packed');

  // 4. Install into a project outside the workspace. All tarballs go into one npm command, so the
  //    `@nnlab/tensor-gpu` range in the technique packages' packed manifests is met by the local
  //    tarball rather than looked up in the registry. `--omit=optional` leaves out gpu.js's optional native dependency
  //    `gl` (a slow compile, and only the headlessgl backend needs it) and `--ignore-scripts` skips
  //    every other install script: this check is about the packages' files, not about native builds.
  console.log('\ninstall');
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'pack-check-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  //    `bullmq` is the optional peer of `@nnlab/pack/queue`, installed as a user of that entry would.
  const bullmq = `bullmq@${JSON.parse(readFileSync(join(repoRoot, 'packages/pack/package.json'), 'utf8')).devDependencies.bullmq}`;
  run('npm', ['install', '--no-audit', '--no-fund', '--omit=optional', '--ignore-scripts', '--prefer-offline', ...tarballs, bullmq], { cwd: project, env: npmEnv() });
  ok(`npm install ${tarballs.map((file) => relative(work, file)).join(' ')}`);

  const node = (nodeArgs) => run(process.execPath, nodeArgs, { cwd: project, env: npmEnv() });
  const checkNames = (system, found) => {
    for (const pkg of packages) {
      const missing = pkg.exports.filter((name) => !found[pkg.name]?.includes(name));
      console.log(`  ${system} ${pkg.name}: ${found[pkg.name].join(', ')}`);
      if (missing.length) fail(`${system}: ${pkg.name} lacks ${missing.join(', ')}`);
      else ok(`${system}: ${pkg.name} has ${pkg.exports.join(', ')}`);
    }
  };

  // 5. ES modules (the "import" condition) with a tiny computation on the cpu backend.
  console.log('\nES modules');
  const esm = JSON.parse(
    node([
      '--input-type=module',
      '-e',
      `import * as t from '@nnlab/tensor-gpu';
import * as l from '@nnlab/lca';
import { readBenchmarkFile } from '@nnlab/verification-benchmarks/node';
const entryPoints = {};
for (const specifier of ${JSON.stringify(specifiers)}) entryPoints[specifier] = Object.keys(await import(specifier)).length;
const resolved = {};
const names = {};
for (const name of ${JSON.stringify(packages.map((pkg) => pkg.name))}) {
  resolved[name] = import.meta.resolve(name);
  names[name] = Object.keys(await import(name)).sort();
}
await t.setBackend('cpu');
const product = t.matmul(t.tensor([1, 2, 3, 4], [2, 2]), t.tensor([5, 6, 7, 8], [2, 2]));
console.log(JSON.stringify({
  resolved,
  names,
  lcaOnline: typeof l.OnlineLca,
  benchmarkBytes: readBenchmarkFile(${JSON.stringify(benchmarkProbe.path)}).length,
  acasXuDir: (await import('@nnlab/bab-gnn/node')).acasXuDataDir(),
  entryPoints,
  backend: t.getBackend(),
  matmul: Array.from(await product.data()),
}));`,
    ]).trim().split('\n').pop(),
  );
  summary.esm = esm;
  console.log(`  resolved: ${JSON.stringify(esm.resolved)}`);
  checkNames('ESM', esm.names);
  for (const [name, url] of Object.entries(esm.resolved)) {
    if (!url.endsWith('/dist/index.js')) fail(`ESM: ${name} resolved to ${url}, not dist/index.js`);
  }
  ok(`ESM: every entry point loads (named exports: ${JSON.stringify(esm.entryPoints)})`);
  if (esm.lcaOnline !== 'function') fail(`ESM: @nnlab/lca OnlineLca is ${esm.lcaOnline}, expected a class`);
  checkBenchmarkProbe('ESM', esm.benchmarkBytes, esm.acasXuDir);
  if (JSON.stringify(esm.matmul) === JSON.stringify([19, 22, 43, 50])) ok(`ESM: matmul on backend ${esm.backend} = [19, 22, 43, 50]`);
  else fail(`ESM: matmul on backend ${esm.backend} gave ${JSON.stringify(esm.matmul)}, expected [19, 22, 43, 50]`);

  // 6. CommonJS (the "require" condition).
  console.log('\nCommonJS');
  const cjs = JSON.parse(
    node([
      '-e',
      `const l = require('@nnlab/lca');
const entryPoints = {};
for (const specifier of ${JSON.stringify(specifiers)}) entryPoints[specifier] = Object.keys(require(specifier)).length;
const resolved = {};
const names = {};
for (const name of ${JSON.stringify(packages.map((pkg) => pkg.name))}) {
  resolved[name] = require.resolve(name);
  names[name] = Object.keys(require(name)).sort();
}
console.log(JSON.stringify({
  entryPoints,
  resolved,
  names,
  lcaOnline: typeof l.OnlineLca,
  benchmarkBytes: require('@nnlab/verification-benchmarks/node').readBenchmarkFile(${JSON.stringify(benchmarkProbe.path)}).length,
  acasXuDir: require('@nnlab/bab-gnn/node').acasXuDataDir(),
}));`,
    ]).trim().split('\n').pop(),
  );
  summary.cjs = cjs;
  console.log(`  resolved: ${JSON.stringify(cjs.resolved)}`);
  checkNames('CJS', cjs.names);
  for (const [name, path] of Object.entries(cjs.resolved)) {
    if (!path.endsWith('/dist/index.cjs')) fail(`CJS: ${name} resolved to ${path}, not dist/index.cjs`);
  }
  ok(`CJS: every entry point loads (named exports: ${JSON.stringify(cjs.entryPoints)})`);
  if (cjs.lcaOnline !== 'function') fail(`CJS: @nnlab/lca OnlineLca is ${cjs.lcaOnline}, expected a class`);
  checkBenchmarkProbe('CJS', cjs.benchmarkBytes, cjs.acasXuDir);

  // 7. The usage example of the tensor-gpu README runs against the installed package.
  console.log('\nREADME example');
  const readme = readFileSync(join(repoRoot, 'packages/tensor-gpu/README.md'), 'utf8');
  const example = readme.match(/## Usage\s+```ts\n([\s\S]*?)```/)?.[1];
  if (!example) fail('packages/tensor-gpu/README.md has no ```ts block under "## Usage"');
  else {
    writeFileSync(join(project, 'readme-example.mjs'), transformSync(example, { loader: 'ts', format: 'esm' }).code);
    summary.readmeExample = node(['readme-example.mjs']);
    console.log(summary.readmeExample.trimEnd().replace(/^/gm, '  | '));
    ok('the usage example in packages/tensor-gpu/README.md ran');
  }

  // 8. Types resolve through the exports map for ES module and CommonJS consumers.
  console.log('\ntypes');
  // Each consumer imports every package and uses one of its required exports as a value.
  const esmTypes = packages.map((pkg, i) => `import * as p${i} from '${pkg.name}';\nexport const use${i}: typeof p${i}.${pkg.exports[0]} = p${i}.${pkg.exports[0]};\n`).join('');
  const cjsTypes = packages.map((pkg, i) => `import p${i} = require('${pkg.name}');\nexport const use${i}: typeof p${i}.${pkg.exports[0]} = p${i}.${pkg.exports[0]};\n`).join('');
  writeFileSync(join(project, 'esm.mts'), esmTypes);
  writeFileSync(join(project, 'cjs.cts'), cjsTypes);
  const tsconfig = { compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['esm.mts', 'cjs.cts'] };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--traceResolution'], { cwd: project, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = `${tsc.stdout}${tsc.stderr}`.split('\n');
  const resolved = lines
    .filter((line) => /^======== Module name '@nnlab\/.*' was successfully resolved/.test(line))
    .map((line) => line.replace(/^======== Module name |\s*========$/g, '').replaceAll(`${project}/`, ''));
  resolved.forEach((line) => console.log(`  ${line}`));
  summary.types = { status: tsc.status, resolved, errors: lines.filter((line) => /error TS\d+/.test(line)) };
  if (tsc.status !== 0) fail(`types: tsc failed:\n${summary.types.errors.join('\n') || lines.slice(-20).join('\n')}`);
  else ok('tsc (node16 resolution) type-checks an .mts and a .cts consumer');
  for (const pkg of packages) {
    for (const [file, consumer] of [['dist/index.d.ts', 'ES module'], ['dist/index.d.cts', 'CommonJS']]) {
      if (!resolved.some((line) => line.startsWith(`'${pkg.name}'`) && line.includes(`/${pkg.name}/${file}'`))) {
        fail(`types: the ${consumer} consumer did not get ${pkg.name}'s ${file}`);
      }
    }
  }

  // 9. A secondary entry point (`/node`, `/queue`) names the main entry's declarations: a value
  //    typed by one entry is the other's type, under both module resolutions users pick. The
  //    declaration files are checked too (no skipLibCheck), so an import they cannot resolve fails.
  console.log('\ntypes shared between entry points');
  summary.entryTypes = {};
  const entryTypes = (importOf) => `${importOf('t', '@nnlab/tensor-gpu')}
${importOf('tensorNode', '@nnlab/tensor-gpu/node')}
${importOf('lca', '@nnlab/lca')}
${importOf('lcaNode', '@nnlab/lca/node')}
${specifiers.map((specifier, i) => importOf(`entry${i}`, specifier)).join('\n')}

// t.nn.Module used as a type; a model typed by the main entry goes into /node functions.
export async function saveAndLoad(model: t.nn.Module, path: string): Promise<void> {
  await tensorNode.saveStateDict(model, path);
  await tensorNode.loadStateDictFile(model, path);
}
// A class with private members made by one entry is the other entry's class.
export function dataErrors(path: string): [t.data.DataFileError, tensorNode.DataFileError] {
  return [new tensorNode.DataFileError(path, 'probe'), new t.data.DataFileError(path, 'probe')];
}
export async function onlineLca(model: t.nn.Module, options: lca.OnlineLcaOptions): Promise<[lca.OnlineLca, lcaNode.OnlineLca]> {
  const fromNode: lca.OnlineLca = await lcaNode.OnlineLca.create(model, options);
  const fromMain: lcaNode.OnlineLca = await lca.OnlineLca.create(model, options);
  return [fromNode, fromMain];
}
// The shared declarations are real types, not \`any\` from an import that did not resolve.
// @ts-expect-error a tensor is not a model
export const notAModel: t.nn.Module = t.scalar(1);
// @ts-expect-error OnlineLca.create of @nnlab/lca/node takes a model
export const notAModelForLca = lcaNode.OnlineLca.create(t.scalar(1), {} as lca.OnlineLcaOptions);
export const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];
`;
  const esmImport = (name, specifier) => `import * as ${name} from '${specifier}';`;
  const cjsImport = (name, specifier) => `import ${name} = require('${specifier}');`;
  const consumers = {
    node16: { compilerOptions: { module: 'node16', moduleResolution: 'node16' }, files: { 'entries.mts': entryTypes(esmImport), 'entries.cts': entryTypes(cjsImport) } },
    bundler: { compilerOptions: { module: 'esnext', moduleResolution: 'bundler' }, files: { 'entries.ts': entryTypes(esmImport) } },
  };
  for (const [resolution, consumer] of Object.entries(consumers)) {
    const dir = join(project, `entry-types-${resolution}`);
    mkdirSync(dir);
    for (const [file, source] of Object.entries(consumer.files)) writeFileSync(join(dir, file), source);
    const compilerOptions = { ...consumer.compilerOptions, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(repoRoot, 'node_modules/@types')] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: Object.keys(consumer.files) }, null, 2));
    const check = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    const errors = `${check.stdout}${check.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line)).map((line) => line.replaceAll(`${project}/`, ''));
    summary.entryTypes[resolution] = { status: check.status, errors };
    if (check.status === 0) ok(`${resolution}: values of /node entries are the main entries' types and back; every entry's declarations type-check`);
    else fail(`entry types (${resolution}): tsc failed:\n${errors.join('\n') || `${check.stdout}${check.stderr}`.slice(-2000)}`);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ ok: failures.length === 0, failures, ...summary }, null, 2)}\n`);
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.log(`\npack-check: ${failures.length} check(s) failed:\n${failures.map((failure) => `- ${failure}`).join('\n')}`);
  process.exit(1);
}
console.log('\npack-check: all checks passed');

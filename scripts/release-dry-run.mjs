#!/usr/bin/env node
// Dry run of the release procedure of RELEASING.md, on a scratch copy of the working tree so that
// nothing here changes: `changeset version`, then `pnpm -r pack` of every published package. Fails
// when a package would get a version its changesets do not ask for (a peer dependency's bump turns
// a dependent's release into a major one), or when a tarball would publish a `workspace:` range,
// lacks its LICENSE, README, CHANGELOG, metadata or an `exports` target.
//
//   node scripts/release-dry-run.mjs [--keep]
//
// Needs the packages built first (`pnpm exec turbo run build --filter='./packages/*'`).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const keep = process.argv.includes('--keep');
const failures = [];
const fail = (message) => failures.push(message);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The published packages: every non-private manifest under packages/. */
function publishedPackages(root) {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir: `packages/${dir}`, manifest: join(root, 'packages', dir, 'package.json') }))
    .filter(({ manifest }) => existsSync(manifest) && !readJson(manifest).private)
    .map(({ dir, manifest }) => ({ dir, ...readJson(manifest) }));
}

/** The largest bump each pending changeset asks for, by package name. */
function requestedBumps(root) {
  const order = ['patch', 'minor', 'major'];
  const bumps = new Map();
  const folder = join(root, '.changeset');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.md') && name !== 'README.md')) {
    const front = readFileSync(join(folder, file), 'utf8').match(/^---\n([\s\S]*?)\n---/)?.[1] ?? '';
    for (const [, name, bump] of front.matchAll(/^["']?([^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/gm)) {
      const current = bumps.get(name);
      if (!current || order.indexOf(bump) > order.indexOf(current)) bumps.set(name, bump);
    }
  }
  return bumps;
}

function bumped(version, bump) {
  const [major, minor, patch] = version.split('.').map(Number);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** A scratch copy: the working tree's files, the built dist/ folders, and links to installed modules. */
function scratchCopy(into) {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repo).split('\0');
  for (const file of files.filter((path) => path && !path.startsWith('docs/') && existsSync(join(repo, path)))) {
    cpSync(join(repo, file), join(into, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(into, 'node_modules'));
  for (const pkg of publishedPackages(repo)) {
    if (!existsSync(join(repo, pkg.dir, 'dist'))) throw new Error(`${pkg.dir}/dist is missing: build first`);
    cpSync(join(repo, pkg.dir, 'dist'), join(into, pkg.dir, 'dist'), { recursive: true });
    // pnpm pack reads the versions of workspace dependencies from the linked packages.
    const deps = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies, ...pkg.devDependencies };
    for (const name of Object.keys(deps).filter((dep) => dep.startsWith('@nnlab/'))) {
      mkdirSync(join(into, pkg.dir, 'node_modules', '@nnlab'), { recursive: true });
      symlinkSync(join(into, 'packages', name.slice('@nnlab/'.length)), join(into, pkg.dir, 'node_modules', name));
    }
  }
}

function checkVersions(before, after, bumps) {
  for (const pkg of after) {
    const old = before.find((item) => item.name === pkg.name).version;
    const asked = bumps.get(pkg.name);
    // A package without a changeset may still get a patch release when a dependency is bumped.
    const allowed = asked ? [bumped(old, asked)] : [old, bumped(old, 'patch')];
    if (!allowed.includes(pkg.version)) {
      fail(`${pkg.name}: changeset version gives ${old} -> ${pkg.version}, the changesets ask for ${allowed.join(' or ')}`);
    }
    console.log(`  ${pkg.name}: ${old} -> ${pkg.version}`);
  }
  const left = readdirSync(join(scratch, '.changeset')).filter((name) => name.endsWith('.md') && name !== 'README.md');
  if (left.length) fail(`changeset version left ${left.join(', ')}`);
}

function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

function checkTarball(pkg, tarball) {
  const unpacked = join(work, 'unpacked', pkg.name);
  mkdirSync(unpacked, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', unpacked]);
  const root = join(unpacked, 'package');
  const manifest = readJson(join(root, 'package.json'));
  const problems = [];
  if (manifest.version !== pkg.version) problems.push(`version ${manifest.version}, expected ${pkg.version}`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${dep} is "${range}"`);
    }
  }
  for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md']) {
    if (!existsSync(join(root, file))) problems.push(`no ${file}`);
  }
  if (existsSync(join(root, 'LICENSE')) && readFileSync(join(root, 'LICENSE'), 'utf8') !== readFileSync(join(repo, 'LICENSE'), 'utf8')) {
    problems.push('LICENSE differs from the repository LICENSE');
  }
  for (const field of ['description', 'license', 'author', 'homepage', 'keywords']) {
    if (!manifest[field] || manifest[field].length === 0) problems.push(`no "${field}"`);
  }
  if (!manifest.repository?.url || !manifest.repository?.directory) problems.push('"repository" lacks url or directory');
  if (!manifest.bugs?.url) problems.push('"bugs" lacks url');
  if (!manifest.types || !JSON.stringify(manifest.exports ?? {}).includes('"types"')) problems.push('no types');
  const targets = [...exportTargets(manifest.exports ?? {}), manifest.main, manifest.module, manifest.types].filter(Boolean);
  for (const target of new Set(targets)) {
    if (!existsSync(join(root, target))) problems.push(`${target} is not in the tarball`);
  }
  problems.forEach((problem) => fail(`${pkg.name}: ${problem}`));
  console.log(`  ${pkg.name}@${manifest.version}: ${problems.length ? 'FAIL' : 'ok'} (${targets.length} entry files)`);
}

const work = mkdtempSync(join(tmpdir(), 'nnlab-release-'));
const scratch = join(work, 'repo');
const tarballs = join(work, 'tarballs');
try {
  mkdirSync(tarballs);
  scratchCopy(scratch);
  const before = publishedPackages(scratch);
  const bumps = requestedBumps(scratch);

  console.log('changeset version');
  run(join(scratch, 'node_modules/.bin/changeset'), ['version'], scratch);
  const after = publishedPackages(scratch);
  checkVersions(before, after, bumps);

  console.log('pnpm -r pack');
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], scratch);
  for (const pkg of after) {
    const tarball = join(tarballs, `${pkg.name.slice(1).replace('/', '-')}-${pkg.version}.tgz`);
    if (existsSync(tarball)) checkTarball(pkg, tarball);
    else fail(`${pkg.name}: pnpm -r pack wrote no ${tarball}`);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.log(`release dry run: ${failures.length} problem(s):\n${failures.map((line) => `- ${line}`).join('\n')}`);
  process.exit(1);
}
console.log('release dry run: every package versions and packs as its changesets say');

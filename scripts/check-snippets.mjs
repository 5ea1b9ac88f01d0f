#!/usr/bin/env node
// Type-checks the TypeScript a reader copies: every ```ts block of the guides (docs/guides), of the
// READMEs and of the `@example` tags in the packages' sources, each as its own module, with
// `tsc --noEmit` against the built packages (their `exports` and bundled `.d.ts`, as a user gets
// them). A block fenced ```ts continued goes on from the previous checked block of its file (one
// module); a block fenced ```ts nocheck is an illustration and is skipped.
//
//   node scripts/check-snippets.mjs [--run] [--keep]
//
// --run also executes every `@example` (in one Node process, on the default `cpu` backend) and
// compares what each `console.log` prints with the `// → ...` comment on its line, ignoring
// whitespace. Needs the packages built first (`pnpm exec turbo run build --filter='./packages/*'`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { transformSync } from 'esbuild';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
// Inside the workspace, so that `@types/node` and the packages' own dependencies resolve.
const work = join(repo, 'node_modules', '.cache', 'nnlab-snippets');

/** Markdown files whose ```ts blocks are checked. */
function markdownFiles() {
  const guides = readdirSync(join(repo, 'docs/guides')).filter((name) => name.endsWith('.md')).map((name) => `docs/guides/${name}`);
  const readmes = readdirSync(join(repo, 'packages')).map((dir) => `packages/${dir}/README.md`);
  return [...guides, 'README.md', ...readmes].filter((path) => existsSync(join(repo, path)));
}

/** TypeScript sources of the published packages, tests left out. */
function sourceFiles() {
  return readdirSync(join(repo, 'packages'))
    .flatMap((dir) => {
      const src = join(repo, 'packages', dir, 'src');
      return existsSync(src) ? readdirSync(src, { recursive: true }).map((file) => join('packages', dir, 'src', file)) : [];
    })
    .filter((path) => path.endsWith('.ts') && !/\.(test|spec|test-helper)\.ts$|\.d\.ts$/.test(path));
}

/** The fenced blocks of a Markdown text: info string, code, and the line the code starts on (1-based). */
function fencedBlocks(text, lineOffset = 0) {
  const blocks = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^\s*```(\S*)\s*(.*)$/);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^\s*```\s*$/.test(line));
    if (end < 0) break;
    blocks.push({ lang: open[1], flags: open[2].split(/\s+/), code: lines.slice(i + 1, end).join('\n'), line: lineOffset + i + 2 });
    i = end;
  }
  return blocks;
}

/** The `@example` blocks of the doc comments in a source file. */
function exampleBlocks(text) {
  const blocks = [];
  for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, match.index).split('\n').length - 1;
    const body = match[0].split('\n').map((line) => line.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/$/, ''));
    body.forEach((tag, at) => {
      if (!tag.startsWith('@example')) return;
      // The example runs to the next block tag.
      const next = body.findIndex((line, i) => i > at && /^@\w/.test(line));
      const lines = body.slice(at + 1, next < 0 ? undefined : next);
      blocks.push(...fencedBlocks(lines.join('\n'), startLine + at + 1).map((block) => ({ ...block, example: true })));
    });
  }
  return blocks;
}

const snippets = [];
for (const path of markdownFiles()) {
  for (const block of fencedBlocks(readFileSync(join(repo, path), 'utf8'))) snippets.push({ path, ...block });
}
for (const path of sourceFiles()) {
  for (const block of exampleBlocks(readFileSync(join(repo, path), 'utf8'))) snippets.push({ path, ...block });
}
const checked = [];
for (const snippet of snippets.filter(({ lang, flags }) => ['ts', 'typescript'].includes(lang) && !flags.includes('nocheck'))) {
  const previous = checked[checked.length - 1];
  const segment = { path: snippet.path, line: snippet.line, length: snippet.code.split('\n').length };
  if (snippet.flags.includes('continued') && previous?.path === snippet.path) {
    previous.code += `\n${snippet.code}`;
    previous.segments.push(segment);
  } else checked.push({ ...snippet, segments: [segment] });
}
const skipped = snippets.filter(({ lang, flags }) => ['ts', 'typescript'].includes(lang) && flags.includes('nocheck'));

// One module per snippet; the packages are linked in as a user's node_modules would hold them.
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules', '@nnlab'), { recursive: true });
for (const dir of readdirSync(join(repo, 'packages'))) {
  const manifest = join(repo, 'packages', dir, 'package.json');
  if (existsSync(manifest)) symlinkSync(join(repo, 'packages', dir), join(work, 'node_modules', JSON.parse(readFileSync(manifest, 'utf8')).name));
}
const files = checked.map((snippet, i) => {
  const file = `s${String(i).padStart(3, '0')}-${snippet.path.replace(/[^a-z0-9]+/gi, '-')}-${snippet.line}.ts`;
  // `export {}` makes each snippet a module, so top-level await works and names do not collide.
  writeFileSync(join(work, file), `${snippet.code}\nexport {};\n`);
  return { ...snippet, file };
});
const tsconfig = {
  compilerOptions: {
    target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: ['node'],
    strict: true, noEmit: true, skipLibCheck: true, isolatedModules: true, esModuleInterop: true,
  },
  files: files.map(({ file }) => file),
};
writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

const failures = [];
/** The Markdown or source line of a line of a generated module. */
const where = (file, line) => {
  const snippet = files.find((item) => item.file === file);
  let rest = line;
  for (const segment of snippet?.segments ?? []) {
    if (rest <= segment.length) return `${segment.path}:${segment.line + rest - 1}`;
    rest -= segment.length;
  }
  return `${file}:${line}`;
};
const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: work, encoding: 'utf8' });
for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n').filter(Boolean)) {
  const match = line.match(/^(.+?)\((\d+),\d+\): (.*)$/);
  failures.push(match ? `${where(match[1], Number(match[2]))}: ${match[3]}` : line);
}
if (tsc.status !== 0 && failures.length === 0) failures.push(`tsc exited with ${tsc.status}`);
console.log(`check-snippets: type-checked ${checked.length} blocks (${checked.filter((s) => s.example).length} @example), skipped ${skipped.length} marked nocheck`);

if (args.includes('--run') && failures.length === 0) {
  const log = console.log;
  for (const snippet of files.filter(({ example }) => example)) {
    const expected = snippet.code.split('\n').filter((line) => /console\.log\(/.test(line) && /\/\/ → /.test(line)).map((line) => line.split('// → ')[1]);
    const printed = [];
    const module = join(work, snippet.file.replace(/\.ts$/, '.mjs'));
    writeFileSync(module, transformSync(readFileSync(join(work, snippet.file), 'utf8'), { loader: 'ts', format: 'esm' }).code);
    console.log = (...values) => printed.push(values.map((value) => (typeof value === 'string' ? value : inspect(value, { depth: 4, breakLength: Infinity }))).join(' '));
    try {
      await import(pathToFileURL(module).href);
    } catch (error) {
      failures.push(`${snippet.path}:${snippet.line}: the example threw ${error instanceof Error ? error.message : error}`);
    } finally {
      console.log = log;
    }
    const squash = (text) => text.replace(/\s+/g, '');
    expected.forEach((text, i) => {
      if (squash(printed[i] ?? '') !== squash(text)) failures.push(`${snippet.path}:${snippet.line}: printed ${JSON.stringify(printed[i])}, the comment says ${JSON.stringify(text)}`);
    });
    log(`  ran ${snippet.path}:${snippet.line} (${expected.length} printed value${expected.length === 1 ? '' : 's'} compared)`);
  }
}

if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.log(`check-snippets: ${failures.length} problem(s):\n${failures.map((line) => `- ${line}`).join('\n')}`);
  process.exit(1);
}
console.log(`check-snippets: every snippet type-checks${args.includes('--run') ? ', and every @example prints what its comments say' : ''}`);


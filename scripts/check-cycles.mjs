#!/usr/bin/env node
// Fails when the relative imports of a package's sources form a cycle: two modules that need each
// other at load time cannot be read, tested or replaced one at a time, and a cycle decides what
// is undefined during module evaluation. Imports that are type-only (`import type`, `export type`,
// `import('…')` in a type) are erased by the compiler and are not counted; `--types` counts them
// too and lists the cycles that only types close.
// Usage: node scripts/check-cycles.mjs [--types] [package dirs...] (default: packages/* and apps/*).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function typeOnly(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // a side-effect import runs the module
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  return ts.isImportTypeNode(node);
}

/** The relative modules a file imports or re-exports (including dynamic `import('…')`); type-only ones when `types`. */
function importsOf(file, types) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found = [];
  const visit = (node) => {
    let spec = null;
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) spec = node.moduleSpecifier.text;
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) spec = node.arguments[0].text;
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) spec = node.argument.literal.text;
    if (spec && spec.startsWith('.') && (types || !typeOnly(node))) {
      const target = resolveImport(file, spec);
      if (target) found.push(target);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const result = [];
  const strongConnect = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        strongConnect(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) {
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
      }
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) result.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) strongConnect(v);
  return result;
}

const args = process.argv.slice(2);
const types = args.includes('--types');
const named = args.filter((a) => a !== '--types');
const dirs = named.length > 0
  ? named.map((d) => resolve(d))
  : ['packages', 'apps'].flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : []));
let failures = 0;
for (const dir of dirs) {
  const src = join(dir, 'src');
  if (!existsSync(src)) continue;
  const graph = new Map(sourceFiles(src).map((f) => [f, importsOf(f, types)]));
  for (const component of cycles(graph)) {
    failures++;
    console.error(`import cycle in ${relative(root, dir)}: ${component.map((f) => relative(src, f)).join(' ↔ ')}`);
  }
}
if (failures > 0) {
  console.error(`${failures} import cycle(s); move what both sides need into a module of its own`);
  process.exit(1);
}
console.log(`no import cycles in ${dirs.length} package(s)`);

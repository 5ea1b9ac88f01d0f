/**
 * VNN-LIB property files: `declare-const X_i/Y_i Real`, `assert` of `<=`, `>=`, `<`, `>` over
 * linear terms (`+`, `-`, `*` by a constant), combined with `and` / `or`. Input atoms must be bounds
 * on one input; output atoms are linear constraints on the outputs. The conjunction of all
 * assertions is put in disjunctive normal form and grouped by input box (see {@link VerificationSpec}).
 */
import type { OutputConstraint, SpecRegion, VerificationSpec } from '../spec/spec';
import { readSExprs, type SExpr } from './sexpr';

/** Most clauses the disjunctive normal form may have before parsing gives up. */
export const MAX_DNF_CLAUSES = 100_000;

type Atom =
  | { kind: 'input'; index: number; upper: boolean; value: number }
  | { kind: 'output'; y: Map<number, number>; constant: number; strict: boolean };
type Formula = { kind: 'and' | 'or'; parts: Formula[] } | { kind: 'atom'; atom: Atom };

interface Linear {
  x: Map<number, number>;
  y: Map<number, number>;
  c: number;
}

const VAR = /^([XY])_(\d+)$/;

function fail(source: string, e: SExpr, message: string): never {
  throw new Error(`${source}: line ${e.line}: ${message}`);
}

function show(e: SExpr): string {
  return e.kind === 'atom' ? e.text : `(${e.items.map(show).join(' ')})`;
}

function scale(a: Linear, k: number): Linear {
  const m = (src: Map<number, number>) => new Map(Array.from(src, ([i, v]) => [i, v * k] as [number, number]));
  return { x: m(a.x), y: m(a.y), c: a.c * k };
}

function addLinear(a: Linear, b: Linear): Linear {
  const m = (p: Map<number, number>, q: Map<number, number>) => {
    const r = new Map(p);
    for (const [i, v] of q) r.set(i, (r.get(i) ?? 0) + v);
    return r;
  };
  return { x: m(a.x, b.x), y: m(a.y, b.y), c: a.c + b.c };
}

function isConstant(a: Linear): boolean {
  return [...a.x.values(), ...a.y.values()].every((v) => v === 0);
}

/**
 * Parses the text of a `.vnnlib` file.
 *
 * @param text - the file's contents.
 * @param source - a name for error messages (e.g. the file path).
 */
export function parseVnnlib(text: string, source = 'vnnlib'): VerificationSpec {
  if (typeof text !== 'string') throw new Error(`${source}: expected the file's text as a string`);
  const exprs = readSExprs(text, source);
  const declared = { X: new Set<number>(), Y: new Set<number>() };
  const asserts: Formula[] = [];

  const term = (e: SExpr): Linear => {
    if (e.kind === 'atom') {
      const v = VAR.exec(e.text);
      if (v) {
        const index = Number(v[2]);
        if (!declared[v[1] as 'X' | 'Y'].has(index)) fail(source, e, `${e.text} is used before its declare-const`);
        const lin: Linear = { x: new Map(), y: new Map(), c: 0 };
        (v[1] === 'X' ? lin.x : lin.y).set(index, 1);
        return lin;
      }
      const n = Number(e.text);
      if (e.text === '' || !Number.isFinite(n)) fail(source, e, `expected a number or a variable X_i / Y_i, got '${e.text}'`);
      return { x: new Map(), y: new Map(), c: n };
    }
    const [head, ...args] = e.items;
    if (!head || head.kind !== 'atom') fail(source, e, `expected an operator in ${show(e)}`);
    const parts = args.map(term);
    switch (head.text) {
      case '+':
        return parts.reduce(addLinear, { x: new Map(), y: new Map(), c: 0 });
      case '-':
        if (parts.length === 1) return scale(parts[0], -1);
        if (parts.length < 1) fail(source, e, "'-' needs an argument");
        return parts.slice(1).reduce((acc, p) => addLinear(acc, scale(p, -1)), parts[0]);
      case '*': {
        const variable = parts.filter((p) => !isConstant(p));
        if (variable.length > 1) fail(source, e, `only products with constants are linear: ${show(e)}`);
        const k = parts.filter(isConstant).reduce((acc, p) => acc * p.c, 1);
        return variable.length ? scale(variable[0], k) : { x: new Map(), y: new Map(), c: k };
      }
      default:
        return fail(source, e, `unsupported term operator '${head.text}'`);
    }
  };

  const formula = (e: SExpr): Formula => {
    if (e.kind !== 'list' || e.items.length === 0 || e.items[0].kind !== 'atom') fail(source, e, `expected a formula, got ${show(e)}`);
    const op = (e.items[0] as { text: string }).text;
    const args = e.items.slice(1);
    if (op === 'and' || op === 'or') {
      if (args.length === 0) fail(source, e, `'${op}' needs at least one argument`);
      return { kind: op, parts: args.map(formula) };
    }
    if (op !== '<=' && op !== '>=' && op !== '<' && op !== '>') fail(source, e, `unsupported formula operator '${op}' (expected and, or, <=, >=, <, >)`);
    if (args.length !== 2) fail(source, e, `'${op}' needs exactly two arguments, got ${args.length}`);
    const [a, b] = args.map(term);
    // Canonical form: lin ≤ 0 (or < 0).
    const lin = op === '<=' || op === '<' ? addLinear(a, scale(b, -1)) : addLinear(b, scale(a, -1));
    const strict = op === '<' || op === '>';
    const xs = [...lin.x].filter(([, v]) => v !== 0);
    const ys = [...lin.y].filter(([, v]) => v !== 0);
    if (xs.length > 0 && ys.length > 0) fail(source, e, `constraints mixing inputs and outputs are not supported: ${show(e)}`);
    if (xs.length > 1) fail(source, e, `only bounds on a single input are supported, got ${show(e)}`);
    if (xs.length === 1) {
      const [index, coef] = xs[0];
      return { kind: 'atom', atom: { kind: 'input', index, upper: coef > 0, value: -lin.c / coef } };
    }
    if (ys.length === 0) fail(source, e, `constraint without variables: ${show(e)}`);
    return { kind: 'atom', atom: { kind: 'output', y: lin.y, constant: lin.c, strict } };
  };

  for (const e of exprs) {
    if (e.kind !== 'list' || e.items.length === 0 || e.items[0].kind !== 'atom') fail(source, e, `expected a command, got ${show(e)}`);
    const cmd = (e.items[0] as { text: string }).text;
    if (cmd === 'declare-const') {
      const name = e.items[1];
      const sort = e.items[2];
      if (!name || name.kind !== 'atom' || !VAR.test(name.text)) fail(source, e, `declare-const expects a name X_i or Y_i`);
      if (!sort || sort.kind !== 'atom' || sort.text !== 'Real') fail(source, e, `declare-const ${name.text}: only sort Real is supported`);
      const [, kind, idx] = VAR.exec(name.text) as RegExpExecArray;
      declared[kind as 'X' | 'Y'].add(Number(idx));
    } else if (cmd === 'assert') {
      if (e.items.length !== 2) fail(source, e, 'assert takes exactly one formula');
      asserts.push(formula(e.items[1]));
    } else {
      fail(source, e, `unsupported command '${cmd}' (expected declare-const or assert)`);
    }
  }
  const inputSize = declared.X.size;
  const outputSize = declared.Y.size;
  for (const [kind, set] of [['X', declared.X], ['Y', declared.Y]] as const) {
    for (let i = 0; i < set.size; i++) if (!set.has(i)) throw new Error(`${source}: variables ${kind}_0..${kind}_${set.size - 1} must all be declared (missing ${kind}_${i})`);
  }
  if (inputSize === 0) throw new Error(`${source}: no input variables X_i declared`);
  if (outputSize === 0) throw new Error(`${source}: no output variables Y_i declared`);
  if (asserts.length === 0) throw new Error(`${source}: no assertions`);

  const dnf = toDnf({ kind: 'and', parts: asserts }, source);
  const regions = new Map<string, { lower: Float64Array; upper: Float64Array; clauses: OutputConstraint[][] }>();
  for (const clause of dnf) {
    const lower = new Float64Array(inputSize).fill(-Infinity);
    const upper = new Float64Array(inputSize).fill(Infinity);
    const outputs: OutputConstraint[] = [];
    for (const atom of clause) {
      if (atom.kind === 'input') {
        if (atom.upper) upper[atom.index] = Math.min(upper[atom.index], atom.value);
        else lower[atom.index] = Math.max(lower[atom.index], atom.value);
      } else {
        const coeffs = new Float64Array(outputSize);
        for (const [i, v] of atom.y) coeffs[i] += v;
        outputs.push({ coeffs, constant: atom.constant, strict: atom.strict });
      }
    }
    for (let i = 0; i < inputSize; i++) {
      if (!Number.isFinite(lower[i]) || !Number.isFinite(upper[i])) throw new Error(`${source}: input X_${i} needs a lower and an upper bound in every disjunct`);
    }
    // An empty box cannot hold a counterexample: drop the clause.
    if (lower.some((l, i) => l > upper[i])) continue;
    const key = `${Array.from(lower).join(',')}|${Array.from(upper).join(',')}`;
    const region = regions.get(key) ?? { lower, upper, clauses: [] };
    region.clauses.push(outputs);
    regions.set(key, region);
  }
  return { inputSize, outputSize, regions: [...regions.values()] as SpecRegion[] };
}

function toDnf(f: Formula, source: string): Atom[][] {
  if (f.kind === 'atom') return [[f.atom]];
  const parts = f.parts.map((p) => toDnf(p, source));
  if (f.kind === 'or') return parts.flat();
  let acc: Atom[][] = [[]];
  for (const p of parts) {
    if (acc.length * p.length > MAX_DNF_CLAUSES) throw new Error(`${source}: the property expands to more than ${MAX_DNF_CLAUSES} clauses`);
    acc = acc.flatMap((a) => p.map((b) => [...a, ...b]));
  }
  return acc;
}

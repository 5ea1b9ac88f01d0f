/**
 * VNN-LIB property files: `declare-const X_i/Y_i Real`, `assert` of `<=`, `>=`, `<`, `>` over
 * linear terms (`+`, `-`, `*` by a constant), combined with `and` / `or`. Numbers are decimals,
 * read exactly. Input atoms must be bounds on one input; output atoms are linear constraints on the
 * outputs. The conjunction of all
 * assertions is put in disjunctive normal form and grouped by input box (see {@link VerificationSpec}).
 */
import { DeadlineError } from '../deadline';
import { parseDecimal, ratAdd, ratCeilFloat, ratCmp, ratDiv, ratFloorFloat, ratMul, ratNeg, ratToNumber, ratToString, type Rational } from '../exact/rational';
import type { ExactBox, OutputConstraint, SpecRegion, VerificationSpec } from '../properties/spec';
import { MAX_SEXPR_DEPTH, readSExprs, type SExpr } from './sexpr';

/** Most clauses the disjunctive normal form may have before parsing gives up (default of {@link ParseVnnlibOptions.maxClauses}). */
export const MAX_DNF_CLAUSES = 100_000;

/**
 * Fixed part of the default expansion budget (see {@link ParseVnnlibOptions.maxExpandedSize}):
 * about 8 bytes per unit, so the expanded property stays within tens of megabytes plus a few times
 * the file's own size.
 */
export const DNF_SIZE_BUDGET = 1_000_000;

/** Settings of {@link parseVnnlib}. */
export interface ParseVnnlibOptions {
  /** Most clauses after expansion into disjunctive normal form (default {@link MAX_DNF_CLAUSES}). */
  maxClauses?: number;
  /**
   * Largest size of the expanded property, counted before anything is expanded: per clause
   * 2·inputs + 8, plus one per atom of every clause. Default {@link DNF_SIZE_BUDGET} + 16 × the
   * length of the text, so that a short file cannot expand into a huge property.
   */
  maxExpandedSize?: number;
  /** Deepest nesting of parentheses (default 64). */
  maxDepth?: number;
  /** Give up with a {@link DeadlineError} once `performance.now()` passes this time, in ms. */
  deadline?: number;
}

type Atom =
  | { kind: 'input'; index: number; upper: boolean; value: Rational; strict: boolean }
  | { kind: 'output'; y: Map<number, Rational>; c: Rational; strict: boolean; at: SExpr; built?: OutputConstraint };
type Formula = { kind: 'and' | 'or'; parts: Formula[] } | { kind: 'atom'; atom: Atom };

interface Linear {
  x: Map<number, Rational>;
  y: Map<number, Rational>;
  c: Rational;
}

const VAR = /^([XY])_(0|[1-9]\d{0,8})$/;
const ZERO: Rational = { num: 0n, den: 1n };
const ONE: Rational = { num: 1n, den: 1n };

function fail(source: string, e: SExpr, message: string): never {
  throw new Error(`${source}: line ${e.line}: ${message}`);
}

/** The text of an expression, cut to 200 characters (without recursion: expressions can be long). */
function show(e: SExpr): string {
  const out: string[] = [];
  let length = 0;
  const stack: (SExpr | ')')[] = [e];
  while (stack.length && length < 200) {
    const top = stack.pop() as SExpr | ')';
    const piece = top === ')' ? ')' : top.kind === 'atom' ? top.text : '(';
    if (out.length && piece !== ')' && out[out.length - 1] !== '(') out.push(' ');
    out.push(piece);
    length += piece.length + 1;
    if (top !== ')' && top.kind === 'list') {
      stack.push(')');
      for (let i = top.items.length - 1; i >= 0; i--) stack.push(top.items[i]);
    }
  }
  const text = out.join('');
  return stack.length ? `${text.slice(0, 200)}…` : text;
}

function addInto(acc: Map<number, Rational>, src: Map<number, Rational>, k: Rational): void {
  for (const [i, v] of src) acc.set(i, ratAdd(acc.get(i) ?? ZERO, ratMul(v, k)));
}

function isConstant(a: Linear): boolean {
  for (const v of a.x.values()) if (v.num !== 0n) return false;
  for (const v of a.y.values()) if (v.num !== 0n) return false;
  return true;
}

/** Counts of a formula's disjunctive normal form, computed without expanding it. */
interface DnfSize {
  clauses: number;
  /** Atoms summed over all clauses. */
  atoms: number;
}

function dnfSize(f: Formula): DnfSize {
  if (f.kind === 'atom') return { clauses: 1, atoms: 1 };
  const parts = f.parts.map(dnfSize);
  if (f.kind === 'or') return parts.reduce((a, p) => ({ clauses: a.clauses + p.clauses, atoms: a.atoms + p.atoms }), { clauses: 0, atoms: 0 });
  // AND: clauses multiply; each clause of the product holds one clause of every part, so part i's
  // atoms appear (product of the other parts' clause counts) times. Floats saturate at Infinity.
  let clauses = 1;
  let atoms = 0;
  for (const p of parts) {
    atoms = atoms * p.clauses + p.atoms * clauses;
    clauses *= p.clauses;
  }
  return { clauses, atoms };
}

/**
 * Parses the text of a `.vnnlib` file. Numbers must be decimals (`-1.5`, `2e-3`) and are read
 * exactly: each region keeps its exact input set (open ends for `<`, `>`) next to a float64 box
 * rounded outwards, and each constraint its exact coefficients next to the nearest floats.
 * Nesting, the number of clauses and the size of the expanded property are limited (see
 * {@link ParseVnnlibOptions}), and checked before anything is expanded.
 *
 * @param text - the file's contents.
 * @param source - a name for error messages (e.g. the file path).
 */
export function parseVnnlib(text: string, source = 'vnnlib', options: ParseVnnlibOptions = {}): VerificationSpec {
  if (typeof text !== 'string') throw new Error(`${source}: expected the file's text as a string`);
  const maxClauses = options.maxClauses ?? MAX_DNF_CLAUSES;
  const maxSize = options.maxExpandedSize ?? DNF_SIZE_BUDGET + 16 * text.length;
  const deadline = options.deadline ?? Infinity;
  const exprs = readSExprs(text, source, options.maxDepth ?? MAX_SEXPR_DEPTH);
  const declared = { X: new Set<number>(), Y: new Set<number>() };
  const asserts: Formula[] = [];

  const term = (e: SExpr): Linear => {
    if (e.kind === 'atom') {
      const v = VAR.exec(e.text);
      if (v) {
        const index = Number(v[2]);
        if (!declared[v[1] as 'X' | 'Y'].has(index)) fail(source, e, `${e.text} is used before its declare-const`);
        const lin: Linear = { x: new Map(), y: new Map(), c: ZERO };
        (v[1] === 'X' ? lin.x : lin.y).set(index, ONE);
        return lin;
      }
      const n = parseDecimal(e.text);
      if (!n) fail(source, e, `expected a decimal number or a variable X_i / Y_i, got '${e.text.slice(0, 100)}'`);
      return { x: new Map(), y: new Map(), c: n };
    }
    const [head, ...args] = e.items;
    if (!head || head.kind !== 'atom') fail(source, e, `expected an operator in ${show(e)}`);
    const parts = args.map(term);
    switch (head.text) {
      case '+': {
        const acc: Linear = { x: new Map(), y: new Map(), c: ZERO };
        for (const p of parts) {
          addInto(acc.x, p.x, ONE);
          addInto(acc.y, p.y, ONE);
          acc.c = ratAdd(acc.c, p.c);
        }
        return acc;
      }
      case '-': {
        if (parts.length < 1) fail(source, e, "'-' needs an argument");
        const acc: Linear = { x: new Map(), y: new Map(), c: ZERO };
        const minus = ratNeg(ONE);
        parts.forEach((p, i) => {
          const k = i === 0 && parts.length > 1 ? ONE : minus;
          addInto(acc.x, p.x, k);
          addInto(acc.y, p.y, k);
          acc.c = ratAdd(acc.c, ratMul(p.c, k));
        });
        return acc;
      }
      case '*': {
        const variable = parts.filter((p) => !isConstant(p));
        if (variable.length > 1) fail(source, e, `only products with constants are linear: ${show(e)}`);
        const k = parts.filter(isConstant).reduce((acc, p) => ratMul(acc, p.c), ONE);
        if (!variable.length) return { x: new Map(), y: new Map(), c: k };
        const acc: Linear = { x: new Map(), y: new Map(), c: ratMul(variable[0].c, k) };
        addInto(acc.x, variable[0].x, k);
        addInto(acc.y, variable[0].y, k);
        return acc;
      }
      default:
        return fail(source, e, `unsupported term operator '${head.text.slice(0, 100)}'`);
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
    if (op !== '<=' && op !== '>=' && op !== '<' && op !== '>') fail(source, e, `unsupported formula operator '${op.slice(0, 100)}' (expected and, or, <=, >=, <, >)`);
    if (args.length !== 2) fail(source, e, `'${op}' needs exactly two arguments, got ${args.length}`);
    const [a, b] = args.map(term);
    // Canonical form: lin ≤ 0 (or < 0).
    const [pos, neg] = op === '<=' || op === '<' ? [a, b] : [b, a];
    const lin: Linear = { x: new Map(), y: new Map(), c: ratAdd(pos.c, ratNeg(neg.c)) };
    addInto(lin.x, pos.x, ONE);
    addInto(lin.x, neg.x, ratNeg(ONE));
    addInto(lin.y, pos.y, ONE);
    addInto(lin.y, neg.y, ratNeg(ONE));
    const strict = op === '<' || op === '>';
    const xs = [...lin.x].filter(([, v]) => v.num !== 0n);
    const ys = [...lin.y].filter(([, v]) => v.num !== 0n);
    if (xs.length > 0 && ys.length > 0) fail(source, e, `constraints mixing inputs and outputs are not supported: ${show(e)}`);
    if (xs.length > 1) fail(source, e, `only bounds on a single input are supported, got ${show(e)}`);
    if (xs.length === 1) {
      const [index, coef] = xs[0];
      // coef·x + c ≤ 0  ⇔  x ≤ −c/coef (coef > 0) or x ≥ −c/coef (coef < 0).
      return { kind: 'atom', atom: { kind: 'input', index, upper: coef.num > 0n, value: ratDiv(ratNeg(lin.c), coef), strict } };
    }
    if (ys.length === 0) fail(source, e, `constraint without variables: ${show(e)}`);
    return { kind: 'atom', atom: { kind: 'output', y: lin.y, c: lin.c, strict, at: e } };
  };
  /** The constraint of an output atom, made once (after every declaration) and shared by the clauses. */
  const constraintOf = (atom: Extract<Atom, { kind: 'output' }>): OutputConstraint => {
    if (atom.built) return atom.built;
    const exact = { coeffs: Array.from({ length: declared.Y.size }, (_, i) => atom.y.get(i) ?? ZERO), constant: atom.c };
    const coeffs = Float64Array.from(exact.coeffs, ratToNumber);
    const constant = ratToNumber(exact.constant);
    if (!Number.isFinite(constant) || coeffs.some((v) => !Number.isFinite(v))) fail(source, atom.at, `a coefficient is beyond the float64 range: ${show(atom.at)}`);
    atom.built = { coeffs, constant, strict: atom.strict, exact };
    return atom.built;
  };

  for (const e of exprs) {
    if (e.kind !== 'list' || e.items.length === 0 || e.items[0].kind !== 'atom') fail(source, e, `expected a command, got ${show(e)}`);
    const cmd = (e.items[0] as { text: string }).text;
    if (cmd === 'declare-const') {
      const name = e.items[1];
      const sort = e.items[2];
      if (!name || name.kind !== 'atom' || !VAR.test(name.text) || e.items.length !== 3) fail(source, e, `declare-const expects a name X_i or Y_i and a sort`);
      if (!sort || sort.kind !== 'atom' || sort.text !== 'Real') fail(source, e, `declare-const ${name.text}: only sort Real is supported`);
      const [, kind, idx] = VAR.exec(name.text) as RegExpExecArray;
      const set = declared[kind as 'X' | 'Y'];
      if (set.has(Number(idx))) fail(source, e, `${name.text} is declared twice`);
      set.add(Number(idx));
    } else if (cmd === 'assert') {
      if (e.items.length !== 2) fail(source, e, 'assert takes exactly one formula');
      asserts.push(formula(e.items[1]));
    } else {
      fail(source, e, `unsupported command '${cmd.slice(0, 100)}' (expected declare-const or assert)`);
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

  const root: Formula = { kind: 'and', parts: asserts };
  const size = dnfSize(root);
  if (size.clauses > maxClauses) throw new Error(`${source}: the property expands to ${size.clauses === Infinity ? 'too many' : size.clauses} clauses, more than the limit ${maxClauses}`);
  const expanded = size.clauses * (2 * inputSize + 8) + size.atoms;
  if (expanded > maxSize) throw new Error(`${source}: the property expands to ${size.clauses} clauses of ${size.atoms} atoms in all, beyond the size limit for a file of ${text.length} characters (${maxSize})`);
  const dnf = toDnf(root);

  const regions = new Map<string, { lower: Float64Array; upper: Float64Array; exact: ExactBox; clauses: OutputConstraint[][] }>();
  let done = 0;
  for (const clause of dnf) {
    if (++done % 1024 === 0 && performance.now() > deadline) throw new DeadlineError(source);
    const lower: (Rational | null)[] = new Array(inputSize).fill(null);
    const upper: (Rational | null)[] = new Array(inputSize).fill(null);
    const lowerOpen: boolean[] = new Array(inputSize).fill(false);
    const upperOpen: boolean[] = new Array(inputSize).fill(false);
    const outputs: OutputConstraint[] = [];
    for (const atom of clause) {
      if (atom.kind === 'input') {
        const i = atom.index;
        if (atom.upper) {
          const c = upper[i] === null ? -1 : ratCmp(atom.value, upper[i] as Rational);
          if (c < 0) { upper[i] = atom.value; upperOpen[i] = atom.strict; }
          else if (c === 0) upperOpen[i] ||= atom.strict;
        } else {
          const c = lower[i] === null ? 1 : ratCmp(atom.value, lower[i] as Rational);
          if (c > 0) { lower[i] = atom.value; lowerOpen[i] = atom.strict; }
          else if (c === 0) lowerOpen[i] ||= atom.strict;
        }
      } else {
        outputs.push(constraintOf(atom));
      }
    }
    let empty = false;
    for (let i = 0; i < inputSize; i++) {
      const lo = lower[i];
      const hi = upper[i];
      if (lo === null || hi === null) throw new Error(`${source}: input X_${i} needs a lower and an upper bound in every disjunct`);
      const c = ratCmp(lo, hi);
      if (c > 0 || (c === 0 && (lowerOpen[i] || upperOpen[i]))) empty = true;
    }
    // An empty input set cannot hold a counterexample: drop the clause.
    if (empty) continue;
    const exact: ExactBox = { lower: lower as Rational[], upper: upper as Rational[], lowerOpen, upperOpen };
    const key = exact.lower.map((l, i) => `${lowerOpen[i] ? '(' : '['}${ratToString(l)},${ratToString(exact.upper[i])}${upperOpen[i] ? ')' : ']'}`).join(' ');
    let region = regions.get(key);
    if (!region) {
      const lo = Float64Array.from(exact.lower, ratFloorFloat);
      const hi = Float64Array.from(exact.upper, ratCeilFloat);
      for (let i = 0; i < inputSize; i++) {
        if (!Number.isFinite(lo[i]) || !Number.isFinite(hi[i])) throw new Error(`${source}: the bounds of X_${i} are beyond the float64 range`);
      }
      region = { lower: lo, upper: hi, exact, clauses: [] };
      regions.set(key, region);
    }
    region.clauses.push(outputs);
  }
  return { inputSize, outputSize, regions: [...regions.values()] as SpecRegion[] };
}

/** The disjunctive normal form (sizes were checked by {@link dnfSize} first); atoms are shared, not copied. */
function toDnf(f: Formula): Atom[][] {
  if (f.kind === 'atom') return [[f.atom]];
  const parts = f.parts.map((p) => toDnf(p));
  if (f.kind === 'or') return parts.flat();
  let acc: Atom[][] = [[]];
  for (const p of parts) acc = acc.flatMap((a) => p.map((b) => a.concat(b)));
  return acc;
}

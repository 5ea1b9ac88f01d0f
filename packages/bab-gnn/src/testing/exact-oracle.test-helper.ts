// Test helper: an exact decision procedure for small ReLU networks, written independently of the
// library. Weights are multiples of 1/8 (exact in float64); every activation pattern of the hidden
// ReLUs gives a polyhedron on which the network is affine, and the property's clause is decided on
// each by Fourier–Motzkin elimination in exact rational arithmetic, strict inequalities included.

/** A rational in lowest terms, den > 0. */
export interface Q {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
export const q = (n: bigint | number, d: bigint | number = 1n): Q => {
  let nn = BigInt(n);
  let dd = BigInt(d);
  if (dd < 0n) [nn, dd] = [-nn, -dd];
  const g = gcd(nn, dd) || 1n;
  return { n: nn / g, d: dd / g };
};
export const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
export const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
export const neg = (a: Q): Q => ({ n: -a.n, d: a.d });
export const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
export const sign = (a: Q): number => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
export const cmp = (a: Q, b: Q): number => sign(add(a, neg(b)));
export const ZERO = q(0);
/** The float64 value of a rational whose denominator is a power of two below 2^60 (exact). */
export const toFloat = (a: Q): number => Number(a.n) / Number(a.d);
/** The exact rational of a float64 of the form k/2^m with |k| < 2^53. */
export function fromFloat(x: number): Q {
  let d = 1n;
  let v = x;
  while (!Number.isInteger(v)) {
    v *= 2;
    d *= 2n;
  }
  return q(BigInt(v), d);
}

/** `a·x + b ≤ 0`, or `< 0` when strict. */
interface Ineq {
  a: Q[];
  b: Q;
  strict: boolean;
}

/** Whether the system has a real solution (Fourier–Motzkin, exact, strictness tracked). */
function feasible(system: Ineq[], n: number): boolean {
  let rows = system;
  for (let k = n - 1; k >= 0; k--) {
    const pos = rows.filter((r) => sign(r.a[k]) > 0);
    const negs = rows.filter((r) => sign(r.a[k]) < 0);
    const next = rows.filter((r) => sign(r.a[k]) === 0);
    const seen = new Set<string>();
    for (const p of pos) {
      for (const m of negs) {
        const sp = div(q(1), p.a[k]);
        const sm = div(q(1), neg(m.a[k]));
        const row: Ineq = { a: p.a.map((v, i) => add(mul(v, sp), mul(m.a[i], sm))), b: add(mul(p.b, sp), mul(m.b, sm)), strict: p.strict || m.strict };
        row.a[k] = ZERO;
        const key = `${row.a.map((v) => `${v.n}/${v.d}`).join(',')}|${row.b.n}/${row.b.d}|${row.strict}`;
        if (!seen.has(key)) {
          seen.add(key);
          next.push(row);
        }
      }
    }
    rows = next;
  }
  return rows.every((r) => (r.strict ? sign(r.b) < 0 : sign(r.b) <= 0));
}

/** A network of rational (dyadic) weights: layers of `w[out][in]`, `b[out]`, ReLU between layers. */
export interface ExactNet {
  layers: { w: Q[][]; b: Q[] }[];
}

/** One input region: per input, the ends and whether each is open. */
export interface ExactRegion {
  lower: Q[];
  upper: Q[];
  lowerOpen: boolean[];
  upperOpen: boolean[];
}

/** One output constraint `c·y + d ≤ 0` (`< 0` when strict). */
export interface ExactConstraint {
  c: Q[];
  d: Q;
  strict: boolean;
}

/** The exact network output at a rational point. */
export function evaluate(net: ExactNet, x: Q[]): Q[] {
  let h = x;
  net.layers.forEach((layer, k) => {
    const z = layer.w.map((row, i) => row.reduce((s, w, j) => add(s, mul(w, h[j])), layer.b[i]));
    h = k === net.layers.length - 1 ? z : z.map((v) => (sign(v) > 0 ? v : ZERO));
  });
  return h;
}

/** Whether x is in the region and the exact output satisfies the clause. */
export function isCounterexample(net: ExactNet, region: ExactRegion, clause: ExactConstraint[], x: Q[]): boolean {
  for (let i = 0; i < x.length; i++) {
    const lo = cmp(x[i], region.lower[i]);
    const hi = cmp(x[i], region.upper[i]);
    if (lo < 0 || (lo === 0 && region.lowerOpen[i]) || hi > 0 || (hi === 0 && region.upperOpen[i])) return false;
  }
  const y = evaluate(net, x);
  return clause.every((c) => {
    const s = sign(c.c.reduce((acc, ci, o) => add(acc, mul(ci, y[o])), c.d));
    return c.strict ? s < 0 : s <= 0;
  });
}

/** Whether some input of the region makes the exact network satisfy every constraint of the clause. */
export function clauseSatisfiable(net: ExactNet, region: ExactRegion, clause: ExactConstraint[]): boolean {
  const n = region.lower.length;
  const unit = (i: number, s: number): Q[] => Array.from({ length: n }, (_, j) => (j === i ? q(s) : ZERO));
  const box: Ineq[] = [];
  for (let i = 0; i < n; i++) {
    box.push({ a: unit(i, -1), b: region.lower[i], strict: region.lowerOpen[i] }); // lower − x ≤ 0
    box.push({ a: unit(i, 1), b: neg(region.upper[i]), strict: region.upperOpen[i] }); // x − upper ≤ 0
  }
  const hidden = net.layers.slice(0, -1).reduce((a, l) => a + l.b.length, 0);
  for (let pattern = 0; pattern < 2 ** hidden; pattern++) {
    const system = [...box];
    // Affine forms of the current layer's input: h = A·x + c.
    let A: Q[][] = Array.from({ length: n }, (_, i) => unit(i, 1));
    let c: Q[] = Array.from({ length: n }, () => ZERO);
    let bit = 0;
    let ok = true;
    for (let k = 0; k < net.layers.length && ok; k++) {
      const { w, b } = net.layers[k];
      const zA = w.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, wi, i) => add(s, mul(wi, A[i][j])), ZERO)));
      const zc = w.map((row, r) => row.reduce((s, wi, i) => add(s, mul(wi, c[i])), b[r]));
      if (k === net.layers.length - 1) {
        for (const con of clause) {
          system.push({ a: Array.from({ length: n }, (_, j) => con.c.reduce((s, ci, o) => add(s, mul(ci, zA[o][j])), ZERO)), b: con.c.reduce((s, ci, o) => add(s, mul(ci, zc[o])), con.d), strict: con.strict });
        }
        break;
      }
      const active = zc.map(() => ((pattern >> bit++) & 1) === 1);
      // active: z ≥ 0 ⇔ −z ≤ 0; inactive: z ≤ 0 (both closed: the two pieces agree at z = 0).
      zA.forEach((row, r) => system.push(active[r] ? { a: row.map(neg), b: neg(zc[r]), strict: false } : { a: row, b: zc[r], strict: false }));
      A = zA.map((row, r) => (active[r] ? row : row.map(() => ZERO)));
      c = zc.map((v, r) => (active[r] ? v : ZERO));
      ok = feasible(system, n);
    }
    if (ok && feasible(system, n)) return true;
  }
  return false;
}

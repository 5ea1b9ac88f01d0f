// Test helper (not part of the library): PyTorch's SGD and Adam update rules in float64.

/** Hyperparameters of the SGD reference (PyTorch's `torch.optim.SGD`). */
export interface SgdRefOptions {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  dampening: number;
}

/** Runs PyTorch's SGD over `grads` (one gradient array per step); returns the parameter after each step. */
export function sgdReference(p0: ArrayLike<number>, grads: readonly ArrayLike<number>[], o: SgdRefOptions, lrAt: (step: number) => number = () => o.lr): Float64Array[] {
  const p = Float64Array.from(p0);
  let buf: Float64Array | null = null;
  const out: Float64Array[] = [];
  grads.forEach((g, step) => {
    const d = Float64Array.from(g, (v, i) => v + o.weightDecay * p[i]);
    let dir: Float64Array = d;
    if (o.momentum !== 0) {
      if (buf === null) buf = Float64Array.from(d);
      else for (let i = 0; i < p.length; i++) buf[i] = o.momentum * buf[i] + (1 - o.dampening) * d[i];
      dir = o.nesterov ? Float64Array.from(d, (v, i) => v + o.momentum * buf![i]) : buf;
    }
    const lr = lrAt(step);
    for (let i = 0; i < p.length; i++) p[i] -= lr * dir[i];
    out.push(Float64Array.from(p));
  });
  return out;
}

/** Hyperparameters of the Adam reference (PyTorch's `torch.optim.Adam`, no AMSGrad). */
export interface AdamRefOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Runs PyTorch's Adam over `grads`; returns the parameter, m and v after each step. */
export function adamReference(p0: ArrayLike<number>, grads: readonly ArrayLike<number>[], o: AdamRefOptions): { p: Float64Array; m: Float64Array; v: Float64Array }[] {
  const p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  return grads.map((g, k) => {
    const t = k + 1;
    const bc1 = 1 - o.beta1 ** t;
    const bc2 = 1 - o.beta2 ** t;
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + o.weightDecay * p[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * d;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * d * d;
      p[i] -= (o.lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + o.eps));
    }
    return { p: Float64Array.from(p), m: Float64Array.from(m), v: Float64Array.from(v) };
  });
}

/** Uniform float32-representable values in [lo, hi) from a small LCG (deterministic). */
export function floats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

/**
 * A plain float64 reference of every primitive, used by the tests as the oracle for values and
 * (through finite differences) gradients. Deliberately naive: loops over coordinates.
 */
export interface Ref {
  shape: number[];
  data: Float64Array;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function ref(shape: readonly number[], values: ArrayLike<number>): Ref {
  return { shape: [...shape], data: Float64Array.from(values) };
}

function coords(index: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return c;
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

function readBroadcast(x: Ref, c: readonly number[]): number {
  const off = c.length - x.shape.length;
  const st = strides(x.shape);
  let idx = 0;
  x.shape.forEach((d, i) => (idx += (d === 1 ? 0 : c[i + off]) * st[i]));
  return x.data[idx];
}

export function map(xs: readonly Ref[], f: (...v: number[]) => number): Ref {
  const shape = xs.reduce<number[]>((s, x) => broadcastShape(s, x.shape), []);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const c = coords(i, shape);
    out[i] = f(...xs.map((x) => readBroadcast(x, c)));
  }
  return { shape, data: out };
}

export const UNARY: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
};

export const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: Math.max,
  minimum: Math.min,
  pow: Math.pow,
  equal: (a, b) => +(a === b),
  greater: (a, b) => +(a > b),
  lessEqual: (a, b) => +(a <= b),
};

export function reduce(x: Ref, axes: readonly number[], keepDims: boolean, op: 'sum' | 'mean' | 'max' | 'min' | 'argmax'): Ref {
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  const acc = new Float64Array(size(outShape)).fill(op === 'max' || op === 'argmax' ? -Infinity : op === 'min' ? Infinity : 0);
  const arg = new Float64Array(acc.length);
  const ost = strides(outShape);
  for (let i = 0; i < x.data.length; i++) {
    const c = coords(i, x.shape);
    const o = c.reduce((s, v, d) => s + (axes.includes(d) ? 0 : v) * ost[d], 0);
    const v = x.data[i];
    if (op === 'sum' || op === 'mean') acc[o] += v;
    else if (op === 'min') acc[o] = Math.min(acc[o], v);
    else if (v > acc[o]) {
      acc[o] = v;
      arg[o] = axes.length === 1 ? c[axes[0]] : 0;
    }
  }
  const data = op === 'argmax' ? arg : op === 'mean' ? acc.map((v) => v / n) : acc;
  return { shape: keepDims ? outShape : x.shape.filter((_, i) => !axes.includes(i)), data };
}

export function matmul(a: Ref, b: Ref): Ref {
  const batched = a.shape.length === 3 || b.shape.length === 3;
  const [m, n] = a.shape.slice(-2);
  const p = b.shape[b.shape.length - 1];
  const batch = batched ? Math.max(a.shape.length === 3 ? a.shape[0] : 1, b.shape.length === 3 ? b.shape[0] : 1) : 1;
  const out = new Float64Array(batch * m * p);
  for (let k = 0; k < batch; k++) {
    const ao = a.shape.length === 3 ? k * m * n : 0;
    const bo = b.shape.length === 3 ? k * n * p : 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += a.data[ao + i * n + l] * b.data[bo + l * p + j];
      out[k * m * p + i * p + j] = s;
    }
  }
  return { shape: batched ? [batch, m, p] : [m, p], data: out };
}

export function transpose(x: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((a) => x.shape[a]);
  const st = strides(x.shape);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = coords(i, shape);
    out[i] = x.data[c.reduce((s, v, d) => s + v * st[perm[d]], 0)];
  }
  return { shape, data: out };
}

export function slice(x: Ref, begin: readonly number[], sz: readonly number[]): Ref {
  const st = strides(x.shape);
  const out = new Float64Array(size(sz));
  for (let i = 0; i < out.length; i++) {
    const c = coords(i, sz);
    out[i] = x.data[c.reduce((s, v, d) => s + (v + begin[d]) * st[d], 0)];
  }
  return { shape: [...sz], data: out };
}

export function pad(x: Ref, paddings: readonly (readonly [number, number])[], value: number): Ref {
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const st = strides(x.shape);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const c = coords(i, shape).map((v, d) => v - paddings[d][0]);
    out[i] = c.every((v, d) => v >= 0 && v < x.shape[d]) ? x.data[c.reduce((s, v, d) => s + v * st[d], 0)] : value;
  }
  return { shape, data: out };
}

export function concat(xs: readonly Ref[], axis: number): Ref {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const c = coords(i, shape);
    let k = 0;
    while (c[axis] >= xs[k].shape[axis]) c[axis] -= xs[k++].shape[axis];
    const st = strides(xs[k].shape);
    out[i] = xs[k].data[c.reduce((s, v, d) => s + v * st[d], 0)];
  }
  return { shape, data: out };
}

export function logSoftmax(x: Ref, axis: number): Ref {
  const mx = reduce(x, [axis], true, 'max');
  const z = map([x, mx], (a, b) => a - b);
  const lse = reduce(map([z], Math.exp), [axis], true, 'sum');
  return map([z, lse], (a, b) => a - Math.log(b));
}

export function softmax(x: Ref, axis: number): Ref {
  return map([logSoftmax(x, axis)], Math.exp);
}

export function crossEntropy(logits: Ref, labels: readonly number[]): number {
  const [b, c] = logits.shape;
  const lp = logSoftmax(logits, 1);
  let s = 0;
  for (let i = 0; i < b; i++) s -= lp.data[i * c + labels[i]];
  return s / b;
}

/** Central finite differences of a scalar float64 function at `x` (step h, relative to |x|). */
export function numericGrad(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    const step = h * Math.max(1, Math.abs(keep));
    x[i] = keep + step;
    const up = f(x);
    x[i] = keep - step;
    const down = f(x);
    x[i] = keep;
    g[i] = (up - down) / (2 * step);
  }
  return g;
}

export interface ConvRefOptions { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }

export function conv2d(x: Ref, w: Ref, o: ConvRefOptions): Ref {
  const [n, c, h, wd] = x.shape;
  const [oc, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const ow = Math.floor((wd + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const og = oc / o.groups;
  const out = new Float64Array(n * oc * oh * ow);
  for (let b = 0; b < n; b++) for (let k = 0; k < oc; k++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    let s = 0;
    const grp = Math.floor(k / og);
    for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = y * o.stride[0] - o.padding[0] + ky * o.dilation[0];
      const ix = xx * o.stride[1] - o.padding[1] + kx * o.dilation[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      s += x.data[((b * c + grp * cg + ci) * h + iy) * wd + ix] * w.data[((k * cg + ci) * kh + ky) * kw + kx];
    }
    out[((b * oc + k) * oh + y) * ow + xx] = s;
  }
  return { shape: [n, oc, oh, ow], data: out };
}

export function pool2d(x: Ref, kernel: [number, number], stride: [number, number], padding: [number, number], kind: 'max' | 'avg'): Ref {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * padding[0] - kernel[0]) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * padding[1] - kernel[1]) / stride[1]) + 1;
  const out = new Float64Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    let acc = kind === 'max' ? -Infinity : 0;
    for (let ky = 0; ky < kernel[0]; ky++) for (let kx = 0; kx < kernel[1]; kx++) {
      const iy = y * stride[0] - padding[0] + ky;
      const ix = xx * stride[1] - padding[1] + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      const v = x.data[(p * h + iy) * w + ix];
      acc = kind === 'max' ? Math.max(acc, v) : acc + v;
    }
    out[(p * oh + y) * ow + xx] = kind === 'max' ? acc : acc / (kernel[0] * kernel[1]);
  }
  return { shape: [n, c, oh, ow], data: out };
}

/**
 * Float64 references, deterministic inputs and layout conversions for the benchmark's
 * correctness checks.
 *
 * @module
 */

/** Uniform values in [-1, 1) from a fixed-seed xorshift32, identical for every implementation. */
export function uniformValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed >>> 0) || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** `[m, n] x [n, p]` in float64, i-k-j order. */
export function matmulRef(a: Float32Array, b: Float32Array, m: number, n: number, p: number): Float64Array {
  const out = new Float64Array(m * p);
  const b64 = Float64Array.from(b);
  for (let i = 0; i < m; i++) {
    const row = i * p;
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      const bk = k * p;
      for (let j = 0; j < p; j++) out[row + j] += aik * b64[bk + j];
    }
  }
  return out;
}

/** Geometry of a stride-1 2-D convolution with symmetric zero padding. */
export interface ConvShape {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: number;
  pad: number;
}

/** Output height and width of `g`. */
export function convOut(g: ConvShape): [number, number] {
  return [g.h + 2 * g.pad - g.k + 1, g.w + 2 * g.pad - g.k + 1];
}

/** Nominal FLOPs of `g`: 2·N·Ho·Wo·Co·k²·Ci (padding taps counted, as in the anchors). */
export function convFlops(g: ConvShape): number {
  const [oh, ow] = convOut(g);
  return 2 * g.n * oh * ow * g.o * g.k * g.k * g.c;
}

/** Convolution (cross-correlation) in float64: x NCHW, w `[O, C, k, k]`, output NCHW. */
export function conv2dNchwRef(x: Float32Array, w: Float32Array, g: ConvShape): Float64Array {
  const [oh, ow] = convOut(g);
  const out = new Float64Array(g.n * g.o * oh * ow);
  for (let b = 0; b < g.n; b++) {
    for (let oc = 0; oc < g.o; oc++) {
      const obase = (b * g.o + oc) * oh * ow;
      for (let ci = 0; ci < g.c; ci++) {
        const xbase = (b * g.c + ci) * g.h * g.w;
        const wbase = (oc * g.c + ci) * g.k * g.k;
        for (let ky = 0; ky < g.k; ky++) {
          for (let kx = 0; kx < g.k; kx++) {
            const wv = w[wbase + ky * g.k + kx];
            for (let y = 0; y < oh; y++) {
              const iy = y - g.pad + ky;
              if (iy < 0 || iy >= g.h) continue;
              for (let xo = 0; xo < ow; xo++) {
                const ix = xo - g.pad + kx;
                if (ix < 0 || ix >= g.w) continue;
                out[obase + y * ow + xo] += x[xbase + iy * g.w + ix] * wv;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/** `a + b` in float64. */
export function addRef(a: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** Reorders `[d0, d1, d2, d3]` values to the axis order `perm` (a 4-D transpose). */
export function permute4<T extends Float32Array | Float64Array>(src: T, dims: readonly [number, number, number, number], perm: readonly [number, number, number, number]): T {
  const out = new (src.constructor as { new (n: number): T })(src.length);
  const stride = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  const od = perm.map((p) => dims[p]);
  const ps = perm.map((p) => stride[p]);
  let o = 0;
  for (let i0 = 0; i0 < od[0]; i0++) {
    for (let i1 = 0; i1 < od[1]; i1++) {
      for (let i2 = 0; i2 < od[2]; i2++) {
        const base = i0 * ps[0] + i1 * ps[1] + i2 * ps[2];
        for (let i3 = 0; i3 < od[3]; i3++) out[o++] = src[base + i3 * ps[3]];
      }
    }
  }
  return out;
}

/** Result of a correctness check. */
export interface Check {
  /** max |got − want| / max |want| (Infinity on a length mismatch or a NaN). */
  relErr: number;
  /** relErr ≤ the tolerance. */
  ok: boolean;
}

/** Relative error of `got` against the float64 reference, scaled by the reference's max |value|. */
export function check(got: ArrayLike<number>, want: Float64Array, tolerance: number): Check {
  if (got.length !== want.length) return { relErr: Infinity, ok: false };
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    const a = Math.abs(want[i]);
    if (a > maxAbs) maxAbs = a;
  }
  const relErr = maxAbs === 0 ? maxDiff : maxDiff / maxAbs;
  return { relErr, ok: relErr <= tolerance };
}

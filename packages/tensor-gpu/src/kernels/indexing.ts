import type { Shape } from '../shape';
import { stridesOf } from '../shape';

/**
 * Source lines that turn the flat output index `this.thread.x` into one flat index per input.
 * `inputStrides[k][d]` is input k's stride along output axis d (0 where it broadcasts).
 * Division is written `floor((r + 0.5) / s)`: exact for integer r and s even where a GPU's
 * float division of integers lands a hair below the true quotient.
 */
export function unravelLines(outShape: Shape, inputStrides: readonly (readonly number[])[], names: readonly string[]): string[] {
  const lines = ['let r = this.thread.x;', 'let q = 0;'];
  for (const n of names) lines.push(`let ${n} = 0;`);
  const out = stridesOf(outShape);
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const adds = names.map((n, k) => (inputStrides[k][d] === 0 ? '' : ` ${n} = ${n} + q * ${inputStrides[k][d]};`)).join('');
    if (out[d] === 1) lines.push(`q = r;${adds}`);
    else lines.push(`q = Math.floor((r + 0.5) / ${out[d]}); r = r - q * ${out[d]};${adds}`);
  }
  return lines;
}

/** Strides of `inShape` as seen from `outShape` under NumPy broadcasting (0 on broadcast axes). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const own = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, d) => {
    const i = d - offset;
    if (i < 0 || inShape[i] === 1) return 0;
    return own[i];
  });
}

/** True when every input has exactly the output's shape (no index arithmetic needed). */
export function sameShapes(outShape: Shape, inShapes: readonly Shape[]): boolean {
  return inShapes.every((s) => s.length === outShape.length && s.every((d, i) => d === outShape[i]));
}

/** A number as kernel source text (always valid JS; integers stay integers). */
export function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`tensor-gpu: kernel constant must be finite, got ${v}`);
  return Number.isInteger(v) ? String(v) : v.toPrecision(9);
}

/**
 * The same strided walk over fewer axes: drops axes of size 1 and merges each axis into the next
 * where every operand steps over the next axis whole (`strides[k][d] = strides[k][d+1]·shape[d+1]`,
 * broadcast axes included). `[64,6,28,28]` with a bias `[6,1,1]` becomes `[64,6,784]`.
 */
export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

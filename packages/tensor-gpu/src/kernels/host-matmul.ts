import type { MatmulGeometry } from './matmul';

/**
 * Batched matrix product written for the `cpu` backend as plain JavaScript with a 4×4 register
 * tile over A (row-major `[M, N]`) and Bᵀ (row-major `[P, N]`): sixteen accumulators per step and
 * contiguous reads of both operands. Operands stored the other way are repacked once per batch
 * entry. gpu.js's cpu mode runs kernels as JavaScript too, but a kernel there computes one output
 * per thread and cannot share loads between outputs; this formulation is several times faster.
 */
export function hostMatmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
  const { batch, m, n, p } = g;
  const at = g.transposeA ? new Float32Array(m * n) : null;
  const bt = g.transposeB ? null : new Float32Array(n * p);
  for (let bi = 0; bi < batch; bi++) {
    const aOff = bi * g.aBatchStride;
    const bOff = bi * g.bBatchStride;
    let rows: Float32Array = a;
    let rowsOff = aOff;
    if (at) {
      if (bi === 0 || g.aBatchStride !== 0) for (let k = 0; k < n; k++) for (let i = 0; i < m; i++) at[i * n + k] = a[aOff + k * m + i];
      rows = at;
      rowsOff = 0;
    }
    let cols: Float32Array = b;
    let colsOff = bOff;
    if (bt) {
      if (bi === 0 || g.bBatchStride !== 0) for (let k = 0; k < n; k++) for (let j = 0; j < p; j++) bt[j * n + k] = b[bOff + k * p + j];
      cols = bt;
      colsOff = 0;
    }
    tile(rows, rowsOff, cols, colsOff, out, bi * m * p, m, n, p);
  }
}

/** out[i, j] = Σ_k rows[i, k] · cols[j, k] for one batch entry. */
function tile(rows: Float32Array, ro: number, cols: Float32Array, co: number, out: Float32Array, oOff: number, m: number, n: number, p: number): void {
  const m4 = m - (m % 4);
  const p4 = p - (p % 4);
  for (let i = 0; i < m4; i += 4) {
    const r0 = ro + i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    for (let j = 0; j < p4; j += 4) {
      const c0 = co + j * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < n; k++) {
        const a0 = rows[r0 + k], a1 = rows[r1 + k], a2 = rows[r2 + k], a3 = rows[r3 + k];
        const b0 = cols[c0 + k], b1 = cols[c1 + k], b2 = cols[c2 + k], b3 = cols[c3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
      }
      const o0 = oOff + i * p + j, o1 = o0 + p, o2 = o1 + p, o3 = o2 + p;
      out[o0] = s00; out[o0 + 1] = s01; out[o0 + 2] = s02; out[o0 + 3] = s03;
      out[o1] = s10; out[o1 + 1] = s11; out[o1 + 2] = s12; out[o1 + 3] = s13;
      out[o2] = s20; out[o2 + 1] = s21; out[o2 + 2] = s22; out[o2 + 3] = s23;
      out[o3] = s30; out[o3 + 1] = s31; out[o3 + 2] = s32; out[o3 + 3] = s33;
    }
  }
  // Edges: rows past the last full tile of 4, and columns past the last full tile of 4.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? p4 : 0; j < p; j++) {
      let s = 0;
      const r = ro + i * n;
      const c = co + j * n;
      for (let k = 0; k < n; k++) s += rows[r + k] * cols[c + k];
      out[oOff + i * p + j] = s;
    }
  }
}

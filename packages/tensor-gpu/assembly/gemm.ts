// Single-precision matrix product C[M,P] = op(A)[M,N] · op(B)[N,P] with 128-bit SIMD, compiled by
// AssemblyScript (see scripts/build-wasm.mjs). Operands, output and scratch are raw byte offsets
// into the memory that the host imports; nothing here allocates.
//
// Blocking follows the packed-panel scheme: a KC-deep slice of B is packed into column panels of
// NR = 8 (kept in L2, one panel in L1), a MC×KC block of A into row panels of MR = 4, and a 4×8
// register tile runs over them. V8 has 15 usable vector registers and no fused multiply-add in
// plain SIMD128, so 8 accumulators (4 rows × 2 vectors) plus two B vectors, one broadcast A value
// and a product temporary is the largest tile that does not spill.
//
// Summation order: each output is accumulated in float32 over k = 0, 1, …, N-1 in order (a later
// KC slice reloads the tile from C and keeps adding), with a separate multiply and add, so the
// result does not depend on the blocking or on how the work is split.

/** Rows of the register tile. */
const MR: i32 = 4;
/** Columns of the register tile (two vectors of four). */
const NR: i32 = 8;
/**
 * Largest depth of one packed slice (k values). A product of depth N runs ceil(N / KC) slices of
 * equal depth (800 as 2 × 400, not 512 + 288): a short last slice would reload and store every C
 * tile for little work. A 4×512 A panel and a 512×8 B panel (24 KB) stay in a 32 KB L1.
 */
export const KC: i32 = 512;
/** Rows of A packed at a time. */
export const MC: i32 = 128;
/** Columns of B packed at a time. */
export const NC: i32 = 2048;

/**
 * Depth of each KC slice of a product of depth `n`: ceil(n / KC) slices of equal depth (800 as
 * 2 × 400, not 512 + 288). Exported so that a product split between threads slices alike.
 */
export function sliceDepth(n: i32): i32 {
  const slices = max(1, (n + KC - 1) / KC);
  return max(1, (n + slices - 1) / slices);
}

/**
 * C = op(A)·op(B), or C += op(A)·op(B) with `accumulate` (the sum then continues from C's values
 * in the same order), for one matrix. `a` is `[M,N]` (`[N,M]` when `transA`), `b` is `[N,P]` (`[P,N]`
 * when `transB`), `c` is `[M,P]`; row-major float32 whose rows are `lda`, `ldb`, `ldc` floats apart
 * (so a block of rows or columns of a larger matrix works too). `packA` needs MC·KC floats,
 * `packB` KC·min(NC, P rounded up to 8) floats, `edge` MR·NR floats.
 */
export function gemm(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, p: i32, transA: bool, transB: bool, accumulate: bool, packA: usize, packB: usize, edge: usize): void {
  const depth = sliceDepth(n);
  for (let jc = 0; jc < p; jc += NC) {
    const ncb = min(NC, p - jc);
    for (let pc = 0; pc < n; pc += depth) {
      const kcb = min(depth, n - pc);
      packSliceB(b, ldb, pc, kcb, jc, ncb, transB, packB);
      const aSlice = a + (<usize>(transA ? pc * lda : pc) << 2);
      gemmSlice(aSlice, lda, packB, c + (<usize>jc << 2), ldc, m, ncb, kcb, transA, accumulate || pc > 0, packA, edge);
    }
  }
}

/** Packs columns jc…jc+ncb of op(B), k from pc…pc+kcb, into panels of NR columns at `dst` (KC·ncb floats at most). */
export function packSliceB(b: usize, ldb: i32, pc: i32, kcb: i32, jc: i32, ncb: i32, transB: bool, dst: usize): void {
  if (transB) packBTransposed(b, ldb, pc, kcb, jc, ncb, dst);
  else packBRows(b, ldb, pc, kcb, jc, ncb, dst);
}

/**
 * C[m, ncb] (+)= op(A)[m, kcb] · one packed slice of B: `a` points at the slice's first k of row 0
 * (column 0 of op(A)), `c` at the slice's first column; A is packed MC rows at a time into `packA`.
 */
export function gemmSlice(a: usize, lda: i32, pb: usize, c: usize, ldc: i32, m: i32, ncb: i32, kcb: i32, transA: bool, accumulate: bool, packA: usize, edge: usize): void {
  for (let ic = 0; ic < m; ic += MC) {
    const mcb = min(MC, m - ic);
    if (transA) packATransposed(a, lda, ic, mcb, 0, kcb, packA);
    else packARows(a, lda, ic, mcb, 0, kcb, packA);
    block(packA, pb, c + (<usize>(ic * ldc) << 2), ldc, mcb, ncb, kcb, accumulate, edge);
  }
}

/** Runs the register tile over one packed A block and one packed B slice. */
function block(pa: usize, pb: usize, c: usize, ldc: i32, mcb: i32, ncb: i32, kcb: i32, accumulate: bool, edge: usize): void {
  for (let jr = 0; jr < ncb; jr += NR) {
    const cols = min(NR, ncb - jr);
    const bPanel = pb + (<usize>(jr * kcb) << 2);
    for (let ir = 0; ir < mcb; ir += MR) {
      const rows = min(MR, mcb - ir);
      const aPanel = pa + (<usize>(ir * kcb) << 2);
      const cTile = c + (<usize>(ir * ldc + jr) << 2);
      if (rows == MR && cols == NR) {
        tile(aPanel, bPanel, kcb, cTile, ldc, accumulate);
      } else {
        // A partial tile runs on a full 4×8 scratch tile; only its valid part touches C.
        if (accumulate) copyTile(cTile, ldc, edge, NR, rows, cols);
        tile(aPanel, bPanel, kcb, edge, NR, accumulate);
        copyTile(edge, NR, cTile, ldc, rows, cols);
      }
    }
  }
}

/** The 4×8 register tile: c[4,8] (+)= Σ_k a[k,0..3] ⊗ b[k,0..7] over packed panels. */
function tile(a: usize, b: usize, kcb: i32, c: usize, ldc: i32, accumulate: bool): void {
  const ld = <usize>ldc << 2;
  const c0 = c, c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  if (accumulate) {
    s00 = v128.load(c0); s01 = v128.load(c0, 16);
    s10 = v128.load(c1); s11 = v128.load(c1, 16);
    s20 = v128.load(c2); s21 = v128.load(c2, 16);
    s30 = v128.load(c3); s31 = v128.load(c3, 16);
  }
  for (let k = 0; k < kcb; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    s00 = f32x4.add(s00, f32x4.mul(x, b0)); s01 = f32x4.add(s01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    s10 = f32x4.add(s10, f32x4.mul(x, b0)); s11 = f32x4.add(s11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    s20 = f32x4.add(s20, f32x4.mul(x, b0)); s21 = f32x4.add(s21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    s30 = f32x4.add(s30, f32x4.mul(x, b0)); s31 = f32x4.add(s31, f32x4.mul(x, b1));
    a += 16;
    b += 32;
  }
  v128.store(c0, s00); v128.store(c0, s01, 16);
  v128.store(c1, s10); v128.store(c1, s11, 16);
  v128.store(c2, s20); v128.store(c2, s21, 16);
  v128.store(c3, s30); v128.store(c3, s31, 16);
}

/** Copies a rows×cols corner between two row-major float32 tiles. */
function copyTile(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * lds) << 2);
    const d = dst + (<usize>(r * ldd) << 2);
    for (let j = 0; j < cols; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
  }
}

/** Packs rows ic… of A `[M,N]` (rows `n` floats apart; k from pc) into panels of MR rows, k-major, zero-padded. */
function packARows(a: usize, n: i32, ic: i32, mcb: i32, pc: i32, kcb: i32, dst: usize): void {
  for (let ir = 0; ir < mcb; ir += MR) {
    const rows = min(MR, mcb - ir);
    const r0 = a + (<usize>((ic + ir) * n + pc) << 2);
    const ld = <usize>n << 2;
    if (rows == MR) {
      const r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
      // Four k at a time: load a 4×4 block row-wise, transpose it in registers.
      let k = 0;
      for (; k + 4 <= kcb; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<f64>(t0, t1, 0, 2));
        v128.store(dst, v128.shuffle<f64>(t0, t1, 1, 3), 16);
        v128.store(dst, v128.shuffle<f64>(t2, t3, 0, 2), 32);
        v128.store(dst, v128.shuffle<f64>(t2, t3, 1, 3), 48);
        dst += 64;
      }
      for (; k < kcb; k++) {
        const o = <usize>k << 2;
        store<f32>(dst, load<f32>(r0 + o)); store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8); store<f32>(dst, load<f32>(r3 + o), 12);
        dst += 16;
      }
    } else {
      for (let k = 0; k < kcb; k++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(r0 + <usize>r * ld + (<usize>k << 2)) : 0);
        }
        dst += 16;
      }
    }
  }
}

/** Packs rows ic… of op(A) = Aᵀ, A stored `[N,M]` (rows `m` floats apart), into panels of MR rows, zero-padded. */
function packATransposed(a: usize, m: i32, ic: i32, mcb: i32, pc: i32, kcb: i32, dst: usize): void {
  const ld = <usize>m << 2;
  for (let ir = 0; ir < mcb; ir += MR) {
    const rows = min(MR, mcb - ir);
    let src = a + (<usize>(pc * m + ic + ir) << 2);
    if (rows == MR) {
      for (let k = 0; k < kcb; k++) {
        v128.store(dst, v128.load(src));
        src += ld;
        dst += 16;
      }
    } else {
      for (let k = 0; k < kcb; k++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
        src += ld;
        dst += 16;
      }
    }
  }
}

/** Packs columns jc… of B `[N,P]` (rows `p` floats apart; k from pc) into panels of NR columns, k-major, zero-padded. */
function packBRows(b: usize, p: i32, pc: i32, kcb: i32, jc: i32, ncb: i32, dst: usize): void {
  const ld = <usize>p << 2;
  for (let jr = 0; jr < ncb; jr += NR) {
    const cols = min(NR, ncb - jr);
    let src = b + (<usize>(pc * p + jc + jr) << 2);
    if (cols == NR) {
      for (let k = 0; k < kcb; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += ld;
        dst += 32;
      }
    } else {
      for (let k = 0; k < kcb; k++) {
        for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < cols ? load<f32>(src + (<usize>j << 2)) : 0);
        src += ld;
        dst += 32;
      }
    }
  }
}

/**
 * Packs columns jc… of op(B) = Bᵀ, B stored `[P,N]` (rows `n` floats apart), into panels of NR columns,
 * zero-padded (also the weight panels of conv.ts).
 */
export function packBTransposed(b: usize, n: i32, pc: i32, kcb: i32, jc: i32, ncb: i32, dst: usize): void {
  const ld = <usize>n << 2;
  for (let jr = 0; jr < ncb; jr += NR) {
    const cols = min(NR, ncb - jr);
    const col0 = b + (<usize>((jc + jr) * n + pc) << 2);
    if (cols == NR) {
      // Four k at a time from each of the eight stored rows, transposed in registers (two 4×4 halves).
      let k = 0;
      for (; k + 4 <= kcb; k += 4) {
        const o = <usize>k << 2;
        transpose4(col0 + o, ld, dst, 32);
        transpose4(col0 + 4 * ld + o, ld, dst + 16, 32);
        dst += 128;
      }
      for (; k < kcb; k++) {
        const o = <usize>k << 2;
        for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), load<f32>(col0 + <usize>j * ld + o));
        dst += 32;
      }
    } else {
      for (let k = 0; k < kcb; k++) {
        const o = <usize>k << 2;
        for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < cols ? load<f32>(col0 + <usize>j * ld + o) : 0);
        dst += 32;
      }
    }
  }
}

/** Reads four rows of four floats (row step `lds` bytes) and writes their transpose (row step `ldd`). */
// @ts-ignore: decorator
@inline function transpose4(src: usize, lds: usize, dst: usize, ldd: usize): void {
  const x0 = v128.load(src), x1 = v128.load(src + lds), x2 = v128.load(src + 2 * lds), x3 = v128.load(src + 3 * lds);
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f64>(t0, t1, 0, 2));
  v128.store(dst + ldd, v128.shuffle<f64>(t0, t1, 1, 3));
  v128.store(dst + 2 * ldd, v128.shuffle<f64>(t2, t3, 0, 2));
  v128.store(dst + 3 * ldd, v128.shuffle<f64>(t2, t3, 1, 3));
}

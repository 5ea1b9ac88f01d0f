import type { OutputPrecision } from '../../backend/kernel-spec';
import type { MatmulGeometry } from '../../kernels/matmul';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { roundingHelpers, storeAs } from './round-f16';

/** Output tile of one workgroup (TILE × TILE), the inner-dimension step, and outputs per thread per axis. */
const TILE = 64;
const DEPTH = 16;
const PER_THREAD = 4;
const THREADS = TILE / PER_THREAD; // 16 × 16 threads

/**
 * WGSL for `op(A)·op(B)` over a batch: each workgroup computes a 64×64 output tile from 64×16
 * and 16×64 tiles staged in workgroup memory, each thread a 4×4 block held in registers (16
 * loads from shared memory feed 16 multiply-adds per step). Sizes arrive as uniforms, so one
 * pipeline serves every shape with the same transposes and precision; the batch is the z axis
 * (packed K-model products use batch strides, 0 for a shared operand).
 */
function matmulCode(transposeA: boolean, transposeB: boolean, precision: OutputPrecision): string {
  // Staging order follows memory order, so neighbouring threads read neighbouring addresses.
  const loadA = transposeA
    ? `let kk = li / ${TILE}u; let rr = li % ${TILE}u; let gr = row0 + rr; let gk = k0 + kk;
      var v = 0.0; if (gr < P.m && gk < P.n) { v = a[aBase + gk * P.m + gr]; }
      tileA[kk][rr] = v;`
    : `let rr = li / ${DEPTH}u; let kk = li % ${DEPTH}u; let gr = row0 + rr; let gk = k0 + kk;
      var v = 0.0; if (gr < P.m && gk < P.n) { v = a[aBase + gr * P.n + gk]; }
      tileA[kk][rr] = v;`;
  const loadB = transposeB
    ? `let cc = li / ${DEPTH}u; let kk = li % ${DEPTH}u; let gc = col0 + cc; let gk = k0 + kk;
      var v = 0.0; if (gc < P.p && gk < P.n) { v = b[bBase + gc * P.n + gk]; }
      tileB[kk][cc] = v;`
    : `let kk = li / ${TILE}u; let cc = li % ${TILE}u; let gc = col0 + cc; let gk = k0 + kk;
      var v = 0.0; if (gc < P.p && gk < P.n) { v = b[bBase + gk * P.p + gc]; }
      tileB[kk][cc] = v;`;
  return `
struct Params { batch : u32, m : u32, n : u32, p : u32, aStride : u32, bStride : u32, pad0 : u32, pad1 : u32 }
@group(0) @binding(0) var<uniform> P : Params;
@group(0) @binding(1) var<storage, read> a : array<f32>;
@group(0) @binding(2) var<storage, read> b : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;
var<workgroup> tileA : array<array<f32, ${TILE}>, ${DEPTH}>;
var<workgroup> tileB : array<array<f32, ${TILE}>, ${DEPTH}>;
${roundingHelpers(precision)}
@compute @workgroup_size(${THREADS}, ${THREADS}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  let batch = wg.z;
  let aBase = batch * P.aStride;
  let bBase = batch * P.bStride;
  let tid = lid.y * ${THREADS}u + lid.x;
  var acc : array<array<f32, ${PER_THREAD}>, ${PER_THREAD}>;
  for (var k0 = 0u; k0 < P.n; k0 = k0 + ${DEPTH}u) {
    for (var s = 0u; s < ${(TILE * DEPTH) / (THREADS * THREADS)}u; s = s + 1u) {
      let li = tid + s * ${THREADS * THREADS}u;
      ${loadA}
    }
    for (var s = 0u; s < ${(TILE * DEPTH) / (THREADS * THREADS)}u; s = s + 1u) {
      let li = tid + s * ${THREADS * THREADS}u;
      ${loadB}
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk = kk + 1u) {
      var av : array<f32, ${PER_THREAD}>;
      var bv : array<f32, ${PER_THREAD}>;
      for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
        av[i] = tileA[kk][lid.y + i * ${THREADS}u];
        bv[i] = tileB[kk][lid.x + i * ${THREADS}u];
      }
      for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
        for (var j = 0u; j < ${PER_THREAD}u; j = j + 1u) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
  let outBase = batch * P.m * P.p;
  for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
    let r = row0 + lid.y + i * ${THREADS}u;
    if (r >= P.m) { continue; }
    for (var j = 0u; j < ${PER_THREAD}u; j = j + 1u) {
      let c = col0 + lid.x + j * ${THREADS}u;
      if (c < P.p) { out[outBase + r * P.p + c] = ${storeAs(precision, 'acc[i][j]')}; }
    }
  }
}
`;
}

/** The tiled WGSL matmul for one product geometry (any batch, either operand transposed). */
export const matmulWgsl: WgslKernel<MatmulGeometry> = (spec, _scalars, precision): WgslProgram | null => {
  const g = spec.params;
  if (!g) return null;
  const uniforms = new Uint32Array([g.batch, g.m, g.n, g.p, g.aBatchStride, g.bBatchStride, 0, 0]);
  return {
    key: `matmul|${g.transposeA ? 'T' : 'N'}${g.transposeB ? 'T' : 'N'}|${precision}`,
    code: () => matmulCode(g.transposeA, g.transposeB, precision),
    workgroups: [Math.ceil(g.p / TILE), Math.ceil(g.m / TILE), g.batch],
    uniforms: uniforms.buffer,
  };
};

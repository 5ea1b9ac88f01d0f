import type { OutputPrecision } from '../../backend/kernel-spec';
import type { MatmulGeometry } from '../../kernels/matmul';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { roundingHelpers, storeAs } from './round-f16';

/** Output tile of one workgroup (TILE × TILE), the inner-dimension step, and outputs per thread per axis. */
const TILE = 64;
const DEPTH = 16;
const PER_THREAD = 4;
const GROUPS = TILE / PER_THREAD; // 16 × 16 threads; also the vec4 groups along a tile edge

/**
 * WGSL for `op(A)·op(B)` over a batch: each workgroup computes a 64×64 output tile from 64×16
 * and 16×64 tiles staged in workgroup memory, each thread a 4×4 block held in registers: per step
 * of the inner dimension it reads one vec4 of A and one of B from workgroup memory and does 16
 * multiply-adds (as four vec4 fma). Loops over the block are written out, so that compilers
 * without loop unrolling (SwiftShader's Subzero) keep the block in registers. Sizes arrive as
 * uniforms, so one pipeline serves every shape with the same transposes and precision; the batch
 * is the z axis (packed K-model products use batch strides, 0 for a shared operand).
 */
function matmulCode(transposeA: boolean, transposeB: boolean, precision: OutputPrecision): string {
  // Each thread stages one vec4 of each tile: four rows (A) or four columns (B) at one depth.
  // The thread-to-element map follows memory order, so neighbouring threads read neighbouring addresses.
  const stageA = transposeA
    ? `let g = li % ${GROUPS}u; let kk = li / ${GROUPS}u;`
    : `let kk = li % ${DEPTH}u; let g = li / ${DEPTH}u;`;
  const stageB = transposeB
    ? `let kk = li % ${DEPTH}u; let g = li / ${DEPTH}u;`
    : `let g = li % ${GROUPS}u; let kk = li / ${GROUPS}u;`;
  const readA = transposeA ? 'a[aBase + k * P.m + r]' : 'a[aBase + r * P.n + k]';
  const readB = transposeB ? 'b[bBase + c * P.n + k]' : 'b[bBase + k * P.p + c]';
  const quad = (f: string, base: string, k: string) => `vec4<f32>(${[0, 1, 2, 3].map((q) => `${f}(${base} + ${q}u, ${k})`).join(', ')})`;
  const fmas = ['x', 'y', 'z', 'w'].map((c, i) => `acc${i} = fma(vec4<f32>(av.${c}), bv, acc${i});`).join('\n      ');
  const stores = [0, 1, 2, 3].map((i) => `store(row + ${i}u, col, acc${i});`).join('\n  ');
  return `
struct Params { batch : u32, m : u32, n : u32, p : u32, aStride : u32, bStride : u32, pad0 : u32, pad1 : u32 }
@group(0) @binding(0) var<uniform> P : Params;
@group(0) @binding(1) var<storage, read> a : array<f32>;
@group(0) @binding(2) var<storage, read> b : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;
var<workgroup> tileA : array<vec4<f32>, ${DEPTH * GROUPS}>;
var<workgroup> tileB : array<vec4<f32>, ${DEPTH * GROUPS}>;
var<private> aBase : u32;
var<private> bBase : u32;
var<private> outBase : u32;
${roundingHelpers(precision)}
fn loadA(r : u32, k : u32) -> f32 {
  if (r < P.m && k < P.n) { return ${readA}; }
  return 0.0;
}
fn loadB(c : u32, k : u32) -> f32 {
  if (c < P.p && k < P.n) { return ${readB}; }
  return 0.0;
}
fn store(r : u32, c : u32, v : vec4<f32>) {
  if (r >= P.m) { return; }
  let at = outBase + r * P.p + c;
  if (c < P.p) { out[at] = ${storeAs(precision, 'v.x')}; }
  if (c + 1u < P.p) { out[at + 1u] = ${storeAs(precision, 'v.y')}; }
  if (c + 2u < P.p) { out[at + 2u] = ${storeAs(precision, 'v.z')}; }
  if (c + 3u < P.p) { out[at + 3u] = ${storeAs(precision, 'v.w')}; }
}
@compute @workgroup_size(${GROUPS}, ${GROUPS}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  aBase = wg.z * P.aStride;
  bBase = wg.z * P.bStride;
  outBase = wg.z * P.m * P.p;
  let li = lid.y * ${GROUPS}u + lid.x;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < P.n; k0 = k0 + ${DEPTH}u) {
    {
      ${stageA}
      tileA[kk * ${GROUPS}u + g] = ${quad('loadA', `row0 + g * ${PER_THREAD}u`, 'k0 + kk')};
    }
    {
      ${stageB}
      tileB[kk * ${GROUPS}u + g] = ${quad('loadB', `col0 + g * ${PER_THREAD}u`, 'k0 + kk')};
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk = kk + 1u) {
      let av = tileA[kk * ${GROUPS}u + lid.y];
      let bv = tileB[kk * ${GROUPS}u + lid.x];
      ${fmas}
    }
    workgroupBarrier();
  }
  let row = row0 + lid.y * ${PER_THREAD}u;
  let col = col0 + lid.x * ${PER_THREAD}u;
  ${stores}
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

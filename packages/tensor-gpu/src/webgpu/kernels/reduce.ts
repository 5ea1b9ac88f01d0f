import type { OutputPrecision } from '../../backend/kernel-spec';
import type { ReduceParams, ReduceOp } from '../../kernels/reduce';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { roundingHelpers, storeAs } from './round-f16';

/** Threads that share one output's reduction. */
const THREADS = 64;
/** Below this many values per output the portable kernel (one output per thread) is the better fit. */
export const MIN_TREE_REDUCE = 32;

/**
 * A workgroup per output: each thread folds a strided share of the reduced axis, then a tree in
 * workgroup memory combines the 64 partial results. max/min/argmax/argmin keep the portable
 * kernel's meaning exactly: the first element starts the scan, NaN elsewhere never wins, the
 * first extreme index wins ties. So each thread keeps its best non-NaN value (NONE: none yet), the
 * tree keeps the best with the lowest index, and a NaN in first place wins outright.
 */
function reduceCode(op: ReduceOp, precision: OutputPrecision): string {
  const extreme = op === 'max' || op === 'argmax' || op === 'min' || op === 'argmin';
  const better = op === 'max' || op === 'argmax' ? '>' : '<';
  const result = op === 'argmax' || op === 'argmin' ? 'f32(bestIndex)' : op === 'mean' ? 'total / f32(P.reduce)' : extreme ? 'bestValue' : 'total';
  const fold = extreme
    ? `var v = 0.0; var idx = NONE;
  for (var k = lid.x; k < P.reduce; k = k + ${THREADS}u) {
    let x = src[base + k * P.inner];
    if (!is_nan(x) && (idx == NONE || x ${better} v)) { v = x; idx = k; }
  }
  values[lid.x] = v; indices[lid.x] = idx;`
    : `var v = 0.0;
  for (var k = lid.x; k < P.reduce; k = k + ${THREADS}u) { v = v + src[base + k * P.inner]; }
  values[lid.x] = v;`;
  const combine = extreme
    ? `let ov = values[lid.x + half]; let oi = indices[lid.x + half];
      let mine = indices[lid.x];
      if (oi != NONE && (mine == NONE || ov ${better} values[lid.x] || (ov == values[lid.x] && oi < mine))) { values[lid.x] = ov; indices[lid.x] = oi; }`
    : 'values[lid.x] = values[lid.x] + values[lid.x + half];';
  const finish = extreme
    ? `let first = src[base];
    var bestValue = values[0]; var bestIndex = indices[0];
    if (is_nan(first)) { bestValue = first; bestIndex = 0u; }`
    : 'let total = values[0];';
  return `
struct Params { groupsX : u32, count : u32, reduce : u32, inner : u32 }
@group(0) @binding(0) var<uniform> P : Params;
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
const NONE = 0xffffffffu;
// By bits: WGSL lets a compiler assume floats are never NaN, so x != x may fold to false.
fn is_nan(x : f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
var<workgroup> values : array<f32, ${THREADS}>;
var<workgroup> indices : array<u32, ${THREADS}>;
${roundingHelpers(precision)}
@compute @workgroup_size(${THREADS}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  let o = wg.x + wg.y * P.groupsX;
  if (o >= P.count) { return; }
  let outerIndex = o / P.inner;
  let base = outerIndex * P.reduce * P.inner + (o - outerIndex * P.inner);
  ${fold}
  workgroupBarrier();
  for (var half = ${THREADS / 2}u; half > 0u; half = half / 2u) {
    if (lid.x < half) {
      ${combine}
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    ${finish}
    out[o] = ${storeAs(precision, result)};
  }
}
`;
}

/** The tree reduction for one geometry, or null (portable kernel) when the reduced axis is short or a leading axis is reduced too. */
export const reduceWgsl: WgslKernel<ReduceParams> = (spec, _scalars, precision): WgslProgram | null => {
  const g = spec.params;
  if (!g || g.reduce < MIN_TREE_REDUCE || (g.lead ?? 1) !== 1) return null;
  const count = g.outer * g.inner;
  const x = Math.min(count, 65535);
  return {
    key: `reduce|${g.op}|${precision}`,
    code: () => reduceCode(g.op, precision),
    workgroups: [x, Math.ceil(count / x), 1],
    uniforms: new Uint32Array([x, count, g.reduce, g.inner]).buffer,
  };
};

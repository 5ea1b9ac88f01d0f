import type { SoftmaxParams } from '../../kernels/softmax';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';

/** Threads that share one row. */
const THREADS = 64;
/** Per-dimension dispatch limit every WebGPU device guarantees. */
const MAX_GROUPS = 65535;

const HEADER = `
struct Params { groupsX : u32, rows : u32, cols : u32, zero : u32 }
@group(0) @binding(0) var<uniform> P : Params;`;

/** Tree sum of every thread's `partial[lid.x]` into `partial[0]` (max with `combine = 'max'`). */
const tree = (combine: 'sum' | 'max') => `
  workgroupBarrier();
  for (var half = ${THREADS / 2}u; half > 0u; half = half / 2u) {
    if (lid.x < half) { partial[lid.x] = ${combine === 'sum' ? 'partial[lid.x] + partial[lid.x + half]' : 'max(partial[lid.x], partial[lid.x + half])'}; }
    workgroupBarrier();
  }`;

const LOCATE = `
  let row = wg.x + wg.y * P.groupsX;
  if (row >= P.rows) { return; }
  let base = row * P.cols;`;

/** A row per thread: the row's index from the invocation's. */
const LOCATE_THREAD = `
  let row = (wg.x + wg.y * P.groupsX) * ${THREADS}u + lid.x;
  if (row >= P.rows) { return; }
  let base = row * P.cols;`;

/**
 * Rows shorter than this run a row per thread (three passes over the row, no workgroup memory
 * and no barrier), where most of a 64-thread workgroup would idle; longer ones a workgroup per
 * row, which a GPU needs to fill its cores when rows are few and long (64 rows of 1000 classes
 * would be 64 threads). SwiftShader, which emulates barriers, favours a row per thread at every
 * length (at 64×1000: 20 ms against 98 ms for a workgroup per row); the choice follows GPUs.
 */
export const MIN_WORKGROUP_ROW = 128;

/** The WGSL that writes row `base`'s softmax (log: log-softmax) from its max and Σ exp in one thread. */
function rowPerThreadCode(log: boolean): string {
  return `${HEADER}
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
@compute @workgroup_size(${THREADS}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${LOCATE_THREAD}
  var rowMax = bitcast<f32>(0xff800000u | P.zero);
  var bad = false;
  for (var k = 0u; k < P.cols; k = k + 1u) {
    let v = src[base + k];
    if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u || bitcast<u32>(v) == 0x7f800000u) { bad = true; }
    rowMax = max(rowMax, v);
  }
  var total = 0.0;
  for (var k = 0u; k < P.cols; k = k + 1u) { total = total + exp(src[base + k] - rowMax); }
  let nan = bad || bitcast<u32>(rowMax) == 0xff800000u;
  for (var k = 0u; k < P.cols; k = k + 1u) {
    let z = src[base + k] - rowMax;
    var v = ${log ? 'z - log(total)' : 'exp(z) / total'};
    if (nan) { v = bitcast<f32>(0x7fc00000u | P.zero); }
    out[base + k] = v;
  }
}
`;
}

/** The gradient of a row per thread. */
function rowPerThreadGradCode(log: boolean): string {
  return `${HEADER}
@group(0) @binding(1) var<storage, read> d : array<f32>;
@group(0) @binding(2) var<storage, read> y : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;
@compute @workgroup_size(${THREADS}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${LOCATE_THREAD}
  var total = 0.0;
  for (var k = 0u; k < P.cols; k = k + 1u) { total = total + ${log ? 'd[base + k]' : 'd[base + k] * y[base + k]'}; }
  for (var k = 0u; k < P.cols; k = k + 1u) {
    out[base + k] = ${log ? 'd[base + k] - exp(y[base + k]) * total' : 'y[base + k] * (d[base + k] - total)'};
  }
}
`;
}

/**
 * Softmax / log-softmax of a row per workgroup: a tree maximum, a tree sum of exp(x − max), then
 * each thread writes its strided share. A NaN or +Infinity in a row makes the whole row NaN, as in
 * the composite op (there max − max or exp(NaN) poisons the sum); it is tested by bits, since a
 * compiler may assume floats are never NaN.
 */
function softmaxCode(log: boolean): string {
  return `${HEADER}
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
var<workgroup> partial : array<f32, ${THREADS}>;
var<workgroup> poisoned : array<u32, ${THREADS}>;
@compute @workgroup_size(${THREADS}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${LOCATE}
  // −∞ and NaN from the zero uniform: a constant of either is a compile error in WGSL.
  var m = bitcast<f32>(0xff800000u | P.zero);
  var bad = 0u;
  for (var k = lid.x; k < P.cols; k = k + ${THREADS}u) {
    let v = src[base + k];
    if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u || bitcast<u32>(v) == 0x7f800000u) { bad = 1u; }
    m = max(m, v);
  }
  partial[lid.x] = m;
  poisoned[lid.x] = bad;
  ${tree('max')}
  let rowMax = partial[0];
  var anyBad = 0u;
  for (var i = 0u; i < ${THREADS}u; i = i + 1u) { anyBad = anyBad | poisoned[i]; }
  workgroupBarrier();
  var s = 0.0;
  for (var k = lid.x; k < P.cols; k = k + ${THREADS}u) { s = s + exp(src[base + k] - rowMax); }
  partial[lid.x] = s;
  ${tree('sum')}
  let total = partial[0];
  // A row of -Infinity only: max − max is NaN there too.
  let nan = anyBad != 0u || bitcast<u32>(rowMax) == 0xff800000u;
  for (var k = lid.x; k < P.cols; k = k + ${THREADS}u) {
    let z = src[base + k] - rowMax;
    var v = ${log ? 'z - log(total)' : 'exp(z) / total'};
    if (nan) { v = bitcast<f32>(0x7fc00000u | P.zero); }
    out[base + k] = v;
  }
}
`;
}

/** The gradient of a row per workgroup: a tree sum (Σ dy·y, or Σ dy for log-softmax), then each thread its share. */
function gradCode(log: boolean): string {
  return `${HEADER}
@group(0) @binding(1) var<storage, read> d : array<f32>;
@group(0) @binding(2) var<storage, read> y : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;
var<workgroup> partial : array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS}, 1, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${LOCATE}
  var s = 0.0;
  for (var k = lid.x; k < P.cols; k = k + ${THREADS}u) { s = s + ${log ? 'd[base + k]' : 'd[base + k] * y[base + k]'}; }
  partial[lid.x] = s;
  ${tree('sum')}
  let total = partial[0];
  for (var k = lid.x; k < P.cols; k = k + ${THREADS}u) {
    out[base + k] = ${log ? 'd[base + k] - exp(y[base + k]) * total' : 'y[base + k] * (d[base + k] - total)'};
  }
}
`;
}

/** True for the log-softmax primitives (forward or gradient). */
const isLog = (p: SoftmaxParams) => p.op === 'logSoftmax' || p.op === 'logSoftmaxGrad';

function rowsProgram(key: string, code: () => string, p: SoftmaxParams, perThread: boolean): WgslProgram {
  const groups = perThread ? Math.ceil(p.rows / THREADS) : p.rows;
  const x = Math.min(groups, MAX_GROUPS);
  return { key, code, workgroups: [x, Math.ceil(groups / x), 1], uniforms: new Uint32Array([x, p.rows, p.cols, 0]).buffer };
}

/** Fused softmax / log-softmax over the last axis for float32 outputs (float16 keeps the portable kernel's rounding). */
export const softmaxWgsl: WgslKernel<SoftmaxParams> = (spec, _scalars, precision) => {
  const p = spec.params;
  if (!p || precision !== 'float32') return null;
  const log = isLog(p);
  const perThread = p.cols < MIN_WORKGROUP_ROW;
  const code = perThread ? () => rowPerThreadCode(log) : () => softmaxCode(log);
  return rowsProgram(`softmax|${perThread ? 'thread' : 'workgroup'}|${log ? 'log' : 'plain'}`, code, p, perThread);
};

/** Fused gradient of softmax / log-softmax over the last axis for float32 outputs, from `dy` and the forward output. */
export const softmaxGradWgsl: WgslKernel<SoftmaxParams> = (spec, _scalars, precision) => {
  const p = spec.params;
  if (!p || precision !== 'float32') return null;
  const log = isLog(p);
  const perThread = p.cols < MIN_WORKGROUP_ROW;
  const code = perThread ? () => rowPerThreadGradCode(log) : () => gradCode(log);
  return rowsProgram(`softmaxGrad|${perThread ? 'thread' : 'workgroup'}|${log ? 'log' : 'plain'}`, code, p, perThread);
};

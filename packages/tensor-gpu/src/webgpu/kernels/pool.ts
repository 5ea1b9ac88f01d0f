import type { OutputPrecision } from '../../backend/kernel-spec';
import type { PoolGeometry } from '../../kernels/pool';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { roundingHelpers, storeAs } from './round-f16';

/** Outputs (forward) or inputs (gradient) of one plane per workgroup, along each axis. */
const TILE = 16;
/** Workgroup memory (f32 slots) for the staged input of a forward tile. */
const INPUT_SLOTS = 3072;
/** Windows a gradient tile may touch (each one's dY and, for max, its argmax are staged). */
const WINDOW_SLOTS = 1024;
const NONE = 0xffffffff;

type PoolKind = 'max' | 'avg';

const PARAMS = `struct Params { h : u32, w : u32, oh : u32, ow : u32, kh : u32, kw : u32, sh : u32, sw : u32,
  ph : u32, pw : u32, planes : u32, planesY : u32, tilesX : u32, th : u32, tw : u32, pad0 : u32 }
@group(0) @binding(0) var<uniform> P : Params;`;

/** The plane and tile of a workgroup: planes run along y, then z past the per-dimension limit. */
const LOCATE = `
  let plane = wg.y + P.planesY * wg.z;
  if (plane >= P.planes) { return; }
  let tileRow = wg.x / P.tilesX;
  let y0 = tileRow * ${TILE}u;
  let x0 = (wg.x - tileRow * P.tilesX) * ${TILE}u;
  let li = lid.y * ${TILE}u + lid.x;`;

// By bits: WGSL lets a compiler assume floats are never NaN, so x != x may fold to false.
const IS_NAN = 'fn is_nan(x : f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }';

/**
 * The max-pooling choice, as in the portable kernels: the first in-image tap starts the scan and a
 * later one wins only when strictly greater (so NaN never wins unless first, and padding never).
 */
const wins = (v: string, best: string, found: string) => `(!${found} || (!is_nan(${v}) && !is_nan(${best}) && ${v} > ${best}))`;

// The average's divisor is baked in as a constant, as in the portable kernel: a compiler may turn
// division by a constant and by a uniform into different (not correctly rounded) instructions.

/**
 * Forward pooling: a workgroup stages the input under a 16×16 tile of windows of one plane in
 * workgroup memory (each input read once from memory, however much the windows overlap), then
 * each thread scans its window's in-image taps there, in the portable kernel's order.
 */
function forwardCode(kind: PoolKind, area: number, precision: OutputPrecision): string {
  const fold = kind === 'max'
    ? `if (${wins('v', 'acc', 'found')}) { acc = v; found = true; }`
    : 'acc = acc + v;';
  const result = kind === 'max' ? 'acc' : `acc / ${area}.0`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
var<workgroup> tile : array<f32, ${INPUT_SLOTS}>;
${IS_NAN}
${roundingHelpers(precision)}
@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${LOCATE}
  let top = i32(y0 * P.sh) - i32(P.ph);
  let left = i32(x0 * P.sw) - i32(P.pw);
  let base = plane * P.h * P.w;
  for (var i = li; i < P.th * P.tw; i = i + ${TILE * TILE}u) {
    let iy = top + i32(i / P.tw);
    let ix = left + i32(i % P.tw);
    var v = 0.0;
    if (iy >= 0 && ix >= 0 && iy < i32(P.h) && ix < i32(P.w)) { v = src[base + u32(iy) * P.w + u32(ix)]; }
    tile[i] = v;
  }
  workgroupBarrier();
  let y = y0 + lid.y;
  let x = x0 + lid.x;
  if (y >= P.oh || x >= P.ow) { return; }
  // The taps of this window inside the image (padding is skipped, never read).
  let wy = i32(y * P.sh) - i32(P.ph);
  let wx = i32(x * P.sw) - i32(P.pw);
  let kyEnd = u32(clamp(i32(P.h) - wy, 0, i32(P.kh)));
  let kxEnd = u32(clamp(i32(P.w) - wx, 0, i32(P.kw)));
  var acc = 0.0;
  var found = false;
  for (var ky = u32(max(0, -wy)); ky < kyEnd; ky = ky + 1u) {
    let row = (lid.y * P.sh + ky) * P.tw + lid.x * P.sw;
    for (var kx = u32(max(0, -wx)); kx < kxEnd; kx = kx + 1u) {
      let v = tile[row + kx];
      ${fold}
    }
  }
  out[(plane * P.oh + y) * P.ow + x] = ${storeAs(precision, result)};
}
`;
}

/**
 * Pooling gradient over a 16×16 tile of inputs of one plane: first the workgroup stages, for
 * every window touching the tile, its dY and (max) its argmax — each window scanned once, not
 * once per input under it as in the portable kernel; then each input sums the dY of the windows
 * it belongs to (max: of which it is the first maximum) in the portable kernel's order.
 */
function gradCode(kind: PoolKind, area: number, precision: OutputPrecision): string {
  const bindings = kind === 'max'
    ? `@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read> dy : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;`
    : `@group(0) @binding(1) var<storage, read> dy : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;`;
  const argmax = kind === 'max'
    ? `
    let wy = i32(y * P.sh) - i32(P.ph);
    let wx = i32(x * P.sw) - i32(P.pw);
    var best = 0.0;
    var arg = NONE;
    for (var ky = u32(max(0, -wy)); ky < u32(clamp(i32(P.h) - wy, 0, i32(P.kh))); ky = ky + 1u) {
      for (var kx = u32(max(0, -wx)); kx < u32(clamp(i32(P.w) - wx, 0, i32(P.kw))); kx = kx + 1u) {
        let at = u32(wy + i32(ky)) * P.w + u32(wx + i32(kx));
        let v = src[inBase + at];
        if (${wins('v', 'best', '(arg != NONE)')}) { best = v; arg = at; }
      }
    }
    winArg[i] = arg;`
    : '';
  const take = kind === 'max' ? 'if (winArg[slot] == me) { acc = acc + winGrad[slot]; }' : 'acc = acc + winGrad[slot];';
  const result = kind === 'max' ? 'acc' : `acc / ${area}.0`;
  return `${PARAMS}
${bindings}
const NONE = ${NONE}u;
var<workgroup> winGrad : array<f32, ${WINDOW_SLOTS}>;
${kind === 'max' ? `var<workgroup> winArg : array<u32, ${WINDOW_SLOTS}>;` : ''}
${IS_NAN}
${roundingHelpers(precision)}
@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${LOCATE}
  let inBase = plane * P.h * P.w;
  let outBase = plane * P.oh * P.ow;
  // Windows whose taps meet rows y0..y0+15 (and columns x0..x0+15) of the input.
  let firstY = i32(y0 + P.ph) - i32(P.kh) + 1;
  let firstX = i32(x0 + P.pw) - i32(P.kw) + 1;
  let yLo = select(0u, u32(firstY + i32(P.sh) - 1) / P.sh, firstY > 0);
  let xLo = select(0u, u32(firstX + i32(P.sw) - 1) / P.sw, firstX > 0);
  let yHi = min(P.oh, (y0 + ${TILE - 1}u + P.ph) / P.sh + 1u);
  let xHi = min(P.ow, (x0 + ${TILE - 1}u + P.pw) / P.sw + 1u);
  let rows = select(0u, yHi - yLo, yHi > yLo);
  let cols = select(0u, xHi - xLo, xHi > xLo);
  for (var i = li; i < rows * cols; i = i + ${TILE * TILE}u) {
    let y = yLo + i / cols;
    let x = xLo + i % cols;
    winGrad[i] = dy[outBase + y * P.ow + x];${argmax}
  }
  workgroupBarrier();
  let iy = y0 + lid.y;
  let ix = x0 + lid.x;
  if (iy >= P.h || ix >= P.w) { return; }
  let me = iy * P.w + ix;
  var acc = 0.0;
  for (var wy = 0u; wy < P.kh; wy = wy + 1u) {
    let ty = i32(iy + P.ph) - i32(wy);
    if (ty < 0 || u32(ty) % P.sh != 0u) { continue; }
    let y = u32(ty) / P.sh;
    if (y >= P.oh) { continue; }
    for (var wx = 0u; wx < P.kw; wx = wx + 1u) {
      let tx = i32(ix + P.pw) - i32(wx);
      if (tx < 0 || u32(tx) % P.sw != 0u) { continue; }
      let x = u32(tx) / P.sw;
      if (x >= P.ow) { continue; }
      let slot = (y - yLo) * cols + (x - xLo);
      ${take}
    }
  }
  out[inBase + me] = ${storeAs(precision, result)};
}
`;
}

/** The uniform and dispatch of a pooling program over `height`×`width` tiled items per plane. */
function layout(g: PoolGeometry, height: number, width: number, th: number, tw: number, maxGroups: number): Pick<WgslProgram, 'workgroups' | 'uniforms'> {
  const planes = g.n * g.c;
  const tilesX = Math.ceil(width / TILE);
  const planesY = Math.min(planes, maxGroups);
  const values = [g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, planes, planesY, tilesX, th, tw, 0];
  return { workgroups: [tilesX * Math.ceil(height / TILE), planesY, Math.ceil(planes / planesY)], uniforms: new Uint32Array(values).buffer };
}

/** Per-dimension dispatch limit every WebGPU device guarantees. */
const MAX_GROUPS = 65535;

/** Input rows and columns under a forward tile of windows. */
export const forwardTileExtent = (g: PoolGeometry): [number, number] => [(TILE - 1) * g.sh + g.kh, (TILE - 1) * g.sw + g.kw];

/** Window rows and columns that can touch a gradient tile of inputs (an upper bound). */
export const gradWindowExtent = (g: PoolGeometry): [number, number] => [Math.floor((TILE + g.kh - 2) / g.sh) + 1, Math.floor((TILE + g.kw - 2) / g.sw) + 1];

/**
 * Tiled max or average pooling, forward; null (the portable kernel) when the windows under a tile
 * need more input than workgroup memory holds (large windows or strides).
 */
export function poolWgsl(kind: PoolKind): WgslKernel<PoolGeometry> {
  return (spec, _scalars, precision): WgslProgram | null => {
    const g = spec.params;
    if (!g) return null;
    const [th, tw] = forwardTileExtent(g);
    if (th * tw > INPUT_SLOTS) return null;
    if (tilesTooMany(g.oh, g.ow)) return null;
    const area = kind === 'avg' ? g.kh * g.kw : 0;
    return { key: `pool|${kind}|${area}|${precision}`, code: () => forwardCode(kind, area, precision), ...layout(g, g.oh, g.ow, th, tw, MAX_GROUPS) };
  };
}

/**
 * Tiled max or average pooling gradient; null (the portable kernel) when more windows touch a
 * tile than workgroup memory stages (large windows at small strides).
 */
export function poolGradWgsl(kind: PoolKind): WgslKernel<PoolGeometry> {
  return (spec, _scalars, precision): WgslProgram | null => {
    const g = spec.params;
    if (!g) return null;
    const [wr, wc] = gradWindowExtent(g);
    if (wr * wc > WINDOW_SLOTS) return null;
    if (tilesTooMany(g.h, g.w)) return null;
    const area = kind === 'avg' ? g.kh * g.kw : 0;
    return { key: `poolGrad|${kind}|${area}|${precision}`, code: () => gradCode(kind, area, precision), ...layout(g, g.h, g.w, 0, 0, MAX_GROUPS) };
  };
}

/** True when the tiles of one plane do not fit the x dimension of a dispatch. */
const tilesTooMany = (height: number, width: number) => Math.ceil(height / TILE) * Math.ceil(width / TILE) > MAX_GROUPS;

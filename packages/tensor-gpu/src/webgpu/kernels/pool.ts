import type { OutputPrecision } from '../../backend/kernel-spec';
import type { PoolGeometry } from '../../kernels/pool';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { roundingHelpers, storeAs } from './round-f16';

/**
 * Workgroups are TILE×TILE threads. The staged max gradient covers a TILE×TILE tile of one plane's
 * inputs, small and with workgroup arrays sized to the geometry: SwiftShader zero-fills workgroup
 * memory in every invocation, a cost of slots × invocations per workgroup that made 16×16 tiles
 * with fixed 1024–3072-slot arrays 6–100× slower than the portable kernels there.
 */
const TILE = 8;
/** Most windows a gradient tile may touch (each one's dY and, for max, its argmax are staged). */
const WINDOW_SLOTS = 1024;
const NONE = 0xffffffff;
/** Per-dimension dispatch limit every WebGPU device guarantees. */
const MAX_GROUPS = 65535;

type PoolKind = 'max' | 'avg';

const PARAMS = `struct Params { h : u32, w : u32, oh : u32, ow : u32, kh : u32, kw : u32, sh : u32, sw : u32,
  ph : u32, pw : u32, planes : u32, planesY : u32, tilesX : u32, groupsX : u32, pad0 : u32, pad1 : u32 }
@group(0) @binding(0) var<uniform> P : Params;`;

/** The plane and tile of a workgroup: planes run along y, then z past the per-dimension limit. */
const LOCATE = `
  let plane = wg.y + P.planesY * wg.z;
  if (plane >= P.planes) { return; }
  let tileRow = wg.x / P.tilesX;
  let y0 = tileRow * ${TILE}u;
  let x0 = (wg.x - tileRow * P.tilesX) * ${TILE}u;
  let li = lid.y * ${TILE}u + lid.x;`;

/**
 * Opens the loops over the windows (y, x) that hold input (iy, ix) — their ranges computed with
 * two divisions per axis, not found by testing every tap — in the portable kernel's order (tap
 * wy ascending, so y descending); two braces close them.
 */
const WINDOWS_OF_INPUT = `let ty = i32(iy + P.ph);
  let tx = i32(ix + P.pw);
  let yFirst = max(ty - i32(P.kh) + 1, 0);
  let xFirst = max(tx - i32(P.kw) + 1, 0);
  let yLow = i32((u32(yFirst) + P.sh - 1u) / P.sh);
  let xLow = i32((u32(xFirst) + P.sw - 1u) / P.sw);
  let yHigh = min(ty / i32(P.sh), i32(P.oh) - 1);
  let xHigh = min(tx / i32(P.sw), i32(P.ow) - 1);
  for (var yi = yHigh; yi >= yLow; yi = yi - 1) {
    let y = u32(yi);
    for (var xi = xHigh; xi >= xLow; xi = xi - 1) {
      let x = u32(xi);`;

/**
 * One item per thread over every plane (the kernels that need no tile): `height`×`width` items a
 * plane, 64 threads a workgroup, folded into y past the per-dimension limit; every lane busy,
 * where 8×8 tiles of a 14×14 plane leave a quarter idle.
 */
const locateFlat = (height: string, width: string) => `
  let flat = (wg.x + wg.y * P.groupsX) * ${TILE * TILE}u + lid.y * ${TILE}u + lid.x;
  let planeSize = ${height} * ${width};
  if (flat >= P.planes * planeSize) { return; }
  let plane = flat / planeSize;
  let pix = flat - plane * planeSize;
  let row = pix / ${width};
  let column = pix - row * ${width};`;

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
 * Forward pooling, one output per thread: the window is clipped to the image once, so the taps
 * need no bounds tests, and indices are integers. Staging the input in workgroup memory measured
 * 5–30× slower on SwiftShader (see TILE) and buys little on GPUs, whose caches serve the overlap
 * of neighbouring windows.
 */
function forwardCode(kind: PoolKind, area: number, precision: OutputPrecision): string {
  const fold = kind === 'max'
    ? `if (${wins('v', 'acc', 'found')}) { acc = v; found = true; }`
    : 'acc = acc + v;';
  const result = kind === 'max' ? 'acc' : `acc / ${area}.0`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
${IS_NAN}
${roundingHelpers(precision)}
@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${locateFlat('P.oh', 'P.ow')}
  let y = row;
  let x = column;
  // The taps of this window inside the image (padding is skipped, never read).
  let wy = i32(y * P.sh) - i32(P.ph);
  let wx = i32(x * P.sw) - i32(P.pw);
  let kyEnd = u32(clamp(i32(P.h) - wy, 0, i32(P.kh)));
  let kxEnd = u32(clamp(i32(P.w) - wx, 0, i32(P.kw)));
  let kx0 = u32(max(0, -wx));
  let base = plane * P.h * P.w;
  var acc = 0.0;
  var found = false;
  for (var ky = u32(max(0, -wy)); ky < kyEnd; ky = ky + 1u) {
    let row = base + u32(wy + i32(ky)) * P.w;
    for (var kx = kx0; kx < kxEnd; kx = kx + 1u) {
      let v = src[row + u32(wx + i32(kx))];
      ${fold}
    }
  }
  out[(plane * P.oh + y) * P.ow + x] = ${storeAs(precision, result)};
}
`;
}

/**
 * Average pooling gradient, one input per thread: the sum of dY over the windows that hold it,
 * found by divisibility in the portable kernel's order (nothing to stage: each dY read is one add).
 */
function avgGradCode(area: number, precision: OutputPrecision): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> dy : array<f32>;
@group(0) @binding(2) var<storage, read_write> out : array<f32>;
${roundingHelpers(precision)}
@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${locateFlat('P.h', 'P.w')}
  let iy = row;
  let ix = column;
  let outBase = plane * P.oh * P.ow;
  var acc = 0.0;
  ${WINDOWS_OF_INPUT}
      acc = acc + dy[outBase + y * P.ow + x];
    }
  }
  out[(plane * P.h + iy) * P.w + ix] = ${storeAs(precision, `acc / ${area}.0`)};
}
`;
}

/** Leaves in `arg` the plane offset of window (y, x)'s first maximum (NONE when it has no in-image tap). */
const WINDOW_ARGMAX = `
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
    }`;

/**
 * Max pooling gradient for windows that do not overlap (stride ≥ window on both axes), one input
 * per thread: an input lies in at most one window, so scanning it here costs what staging it
 * would, without workgroup memory or a barrier (which measured 2× slower on SwiftShader).
 */
function directMaxGradCode(precision: OutputPrecision): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read> dy : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;
const NONE = ${NONE}u;
${IS_NAN}
${roundingHelpers(precision)}
@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  ${locateFlat('P.h', 'P.w')}
  let iy = row;
  let ix = column;
  let inBase = plane * P.h * P.w;
  let outBase = plane * P.oh * P.ow;
  let me = iy * P.w + ix;
  var acc = 0.0;
  ${WINDOWS_OF_INPUT}${WINDOW_ARGMAX}
      if (arg == me) { acc = acc + dy[outBase + y * P.ow + x]; }
    }
  }
  out[inBase + me] = ${storeAs(precision, 'acc')};
}
`;
}

/**
 * Max pooling gradient over an 8×8 tile of inputs of one plane: first the workgroup stages, for
 * every window touching the tile, its dY and its argmax — each window scanned once, not once per
 * input under it as in the portable kernel; then each input sums the dY of the windows whose
 * first maximum it is, in the portable kernel's order.
 */
function stagedMaxGradCode(slots: number, precision: OutputPrecision): string {
  const bindings = `@group(0) @binding(1) var<storage, read> src : array<f32>;
@group(0) @binding(2) var<storage, read> dy : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;`;
  const argmax = `${WINDOW_ARGMAX}
    winArg[i] = arg;`;
  return `${PARAMS}
${bindings}
const NONE = ${NONE}u;
var<workgroup> winGrad : array<f32, ${slots}>;
var<workgroup> winArg : array<u32, ${slots}>;
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
  ${WINDOWS_OF_INPUT}
      let slot = (y - yLo) * cols + (x - xLo);
      if (winArg[slot] == me) { acc = acc + winGrad[slot]; }
    }
  }
  out[inBase + me] = ${storeAs(precision, 'acc')};
}
`;
}

/** The uniform and dispatch of a pooling program over `height`×`width` items per plane: in 8×8 tiles, or flat. */
function layout(g: PoolGeometry, height: number, width: number, tiled: boolean): Pick<WgslProgram, 'workgroups' | 'uniforms'> {
  const planes = g.n * g.c;
  const tilesX = Math.ceil(width / TILE);
  const planesY = Math.min(planes, MAX_GROUPS);
  const groups = Math.ceil((planes * height * width) / (TILE * TILE));
  const groupsX = Math.min(groups, MAX_GROUPS);
  const values = [g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, planes, planesY, tilesX, groupsX, 0, 0];
  const workgroups: [number, number, number] = tiled ? [tilesX * Math.ceil(height / TILE), planesY, Math.ceil(planes / planesY)] : [groupsX, Math.ceil(groups / groupsX), 1];
  return { workgroups, uniforms: new Uint32Array(values).buffer };
}

/** Window rows and columns that can touch a gradient tile of inputs (an upper bound). */
const gradWindowExtent = (g: PoolGeometry): [number, number] => [Math.floor((TILE + g.kh - 2) / g.sh) + 1, Math.floor((TILE + g.kw - 2) / g.sw) + 1];

/** Max or average pooling, forward. */
export function poolWgsl(kind: PoolKind): WgslKernel<PoolGeometry> {
  return (spec, _scalars, precision): WgslProgram | null => {
    const g = spec.params;
    if (!g) return null;
    const area = kind === 'avg' ? g.kh * g.kw : 0;
    return { key: `pool|${kind}|${area}|${precision}`, code: () => forwardCode(kind, area, precision), ...layout(g, g.oh, g.ow, false) };
  };
}

/**
 * Max or average pooling gradient; for overlapping max windows null (the portable kernel) when
 * more windows touch a tile than workgroup memory stages (large windows, small strides) or the
 * tiles of a plane exceed a dispatch.
 */
export function poolGradWgsl(kind: PoolKind): WgslKernel<PoolGeometry> {
  return (spec, _scalars, precision): WgslProgram | null => {
    const g = spec.params;
    if (!g) return null;
    if (kind === 'avg') {
      const area = g.kh * g.kw;
      return { key: `poolGrad|avg|${area}|${precision}`, code: () => avgGradCode(area, precision), ...layout(g, g.h, g.w, false) };
    }
    if (g.sh >= g.kh && g.sw >= g.kw) {
      return { key: `poolGrad|max|direct|${precision}`, code: () => directMaxGradCode(precision), ...layout(g, g.h, g.w, false) };
    }
    const [wr, wc] = gradWindowExtent(g);
    const slots = wr * wc;
    if (slots > WINDOW_SLOTS || tilesTooMany(g.h, g.w)) return null;
    return { key: `poolGrad|max|${slots}|${precision}`, code: () => stagedMaxGradCode(slots, precision), ...layout(g, g.h, g.w, true) };
  };
}

/** True when the tiles of one plane do not fit the x dimension of a dispatch. */
const tilesTooMany = (height: number, width: number) => Math.ceil(height / TILE) * Math.ceil(width / TILE) > MAX_GROUPS;

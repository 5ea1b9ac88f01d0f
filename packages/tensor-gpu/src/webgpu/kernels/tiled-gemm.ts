import type { OutputPrecision } from '../../backend/kernel-spec';
import { roundingHelpers, storeAs } from './round-f16';

/** Output tile of one workgroup (TILE × TILE), the inner-dimension step, and outputs per thread per axis. */
export const TILE = 64;
const DEPTH = 16;
const PER_THREAD = 4;
const GROUPS = TILE / PER_THREAD; // 16 × 16 threads; also the vec4 groups along a tile edge

/**
 * What a product `C = A·B` reads and writes, as WGSL fragments over the `P` uniform (which has at
 * least the u32 fields `m`, `n`, `p`: rows, inner size, columns). `wg.z` is the batch entry.
 */
export interface GemmParts {
  /** Fields of the `Params` struct, one `name : u32,` each; their values fill the uniform in order. */
  readonly fields: readonly string[];
  /** Statements run once per invocation before anything is read (may set `var<private>`s declared in `globals`). */
  readonly prologue: string;
  /** Module-scope declarations (private variables, helpers). */
  readonly globals: string;
  /** Body of `fn elementA(r : u32, k : u32) -> f32`, called only for r < P.m and k < P.n. */
  readonly elementA: string;
  /** Body of `fn elementB(c : u32, k : u32) -> f32`, called only for c < P.p and k < P.n. */
  readonly elementB: string;
  /** Expression of the flat output index of (r, c). */
  readonly outIndex: string;
  /** True when A's neighbouring elements in memory are neighbours along k (else along rows). */
  readonly aAlongK: boolean;
  /** True when B's neighbouring elements in memory are neighbours along k (else along columns). */
  readonly bAlongK: boolean;
}

/**
 * WGSL for a tiled product: each workgroup computes a 64×64 tile of C from 64×16 and 16×64 tiles
 * staged in workgroup memory, each thread a 4×4 block held in registers: per step of the inner
 * dimension it reads one vec4 of A and one of B from workgroup memory and does 16 multiply-adds
 * (four vec4 fma). The block is written out rather than looped over, so that compilers without
 * loop unrolling (SwiftShader's Subzero) keep it in registers. Sizes arrive as uniforms, so one
 * pipeline serves every shape of a kind.
 */
export function tiledGemmCode(parts: GemmParts, precision: OutputPrecision): string {
  // Each thread stages one vec4 of each tile: four rows (A) or four columns (B) at one depth,
  // mapped so that neighbouring threads read neighbouring addresses.
  const alongK = `let kk = li % ${DEPTH}u; let g = li / ${DEPTH}u;`;
  const across = `let g = li % ${GROUPS}u; let kk = li / ${GROUPS}u;`;
  const quad = (f: string, base: string) => `vec4<f32>(${[0, 1, 2, 3].map((q) => `${f}(${base} + ${q}u, k0 + kk)`).join(', ')})`;
  const fmas = ['x', 'y', 'z', 'w'].map((c, i) => `acc${i} = fma(vec4<f32>(av.${c}), bv, acc${i});`).join('\n      ');
  const stores = [0, 1, 2, 3].map((i) => `store(row + ${i}u, col, acc${i});`).join('\n  ');
  return `
struct Params { ${parts.fields.join(' ')} }
@group(0) @binding(0) var<uniform> P : Params;
@group(0) @binding(1) var<storage, read> a : array<f32>;
@group(0) @binding(2) var<storage, read> b : array<f32>;
@group(0) @binding(3) var<storage, read_write> out : array<f32>;
var<workgroup> tileA : array<vec4<f32>, ${DEPTH * GROUPS}>;
var<workgroup> tileB : array<vec4<f32>, ${DEPTH * GROUPS}>;
var<private> batch : u32;
${parts.globals}
${roundingHelpers(precision)}
fn elementA(r : u32, k : u32) -> f32 { ${parts.elementA} }
fn elementB(c : u32, k : u32) -> f32 { ${parts.elementB} }
fn loadA(r : u32, k : u32) -> f32 {
  if (r < P.m && k < P.n) { return elementA(r, k); }
  return 0.0;
}
fn loadB(c : u32, k : u32) -> f32 {
  if (c < P.p && k < P.n) { return elementB(c, k); }
  return 0.0;
}
fn store(r : u32, c0 : u32, v : vec4<f32>) {
  if (r >= P.m) { return; }
  for (var q = 0u; q < 4u; q = q + 1u) {
    let c = c0 + q;
    if (c < P.p) { out[${parts.outIndex}] = ${storeAs(precision, 'v[q]')}; }
  }
}
@compute @workgroup_size(${GROUPS}, ${GROUPS}, 1)
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_id) lid : vec3<u32>) {
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  batch = wg.z;
  ${parts.prologue}
  let li = lid.y * ${GROUPS}u + lid.x;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < P.n; k0 = k0 + ${DEPTH}u) {
    {
      ${parts.aAlongK ? alongK : across}
      tileA[kk * ${GROUPS}u + g] = ${quad('loadA', `row0 + g * ${PER_THREAD}u`)};
    }
    {
      ${parts.bAlongK ? alongK : across}
      tileB[kk * ${GROUPS}u + g] = ${quad('loadB', `col0 + g * ${PER_THREAD}u`)};
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

/** Workgroups for an m×p product over `batch` entries. */
export function gemmWorkgroups(m: number, p: number, batch: number): [number, number, number] {
  return [Math.ceil(p / TILE), Math.ceil(m / TILE), batch];
}

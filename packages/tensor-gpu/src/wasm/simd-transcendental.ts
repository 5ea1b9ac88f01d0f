import type { ElementwiseOp } from '../kernels/elementwise';
import type { SimdInstance } from './simd-instance';

/** The ops of assembly/transcendental.ts, in the order of its op codes. */
const WASM_TRANSCENDENTAL_OPS: readonly ElementwiseOp[] = ['exp', 'log', 'tanh', 'sigmoid'];

/**
 * Below this many values the JavaScript loop runs: copying in and out and the call cost more than
 * the SIMD saves (measured in bench/wasm-simd.ts).
 */
const MIN_TRANSCENDENTAL_SIZE = 256;

/** True when `op` over `size` values runs in assembly/transcendental.ts. */
export function runsTranscendental(op: ElementwiseOp, size: number): boolean {
  return size >= MIN_TRANSCENDENTAL_SIZE && WASM_TRANSCENDENTAL_OPS.includes(op);
}

/**
 * exp, log, tanh or sigmoid of `x` into `out` in WebAssembly SIMD: float64 lanes, rounded once to
 * float32 (see assembly/transcendental.ts). Within 1 float32 ulp of the JavaScript loop's
 * `Math.exp`/`Math.log`/`Math.tanh` results and equal to them except within about 2^-49 (relative)
 * of a float32 rounding boundary, so not bit-identical to them in every case.
 */
export function simdTranscendental(s: SimdInstance, op: ElementwiseOp, x: Float32Array, out: Float32Array): void {
  const code = WASM_TRANSCENDENTAL_OPS.indexOf(op);
  if (code < 0) throw new Error(`simdTranscendental: op must be one of ${WASM_TRANSCENDENTAL_OPS.join(', ')}, got '${op}'`);
  if (x.length !== out.length) throw new Error(`simdTranscendental (${op}): out holds ${out.length} values, x ${x.length}`);
  const placed = s.place(0, [x], out);
  s.exports.transcendental(code, placed.inputs[0], placed.out, x.length);
  placed.finish();
}

import type { ElementwiseOp, ElementwiseParams } from '../kernels/elementwise';
import { collapsedWalk, HostElementwise } from '../kernels/host-elementwise';
import type { SimdInstance } from './simd-instance';
import { runsTranscendental, simdTranscendental } from './simd-transcendental';

/** The binary ops of assembly/elementwise.ts, in the order of its op codes. */
const WASM_BINARY_OPS: readonly ElementwiseOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
/** The unary ops of assembly/elementwise.ts, in the order of its op codes. */
const WASM_UNARY_OPS: readonly ElementwiseOp[] = ['relu', 'step', 'neg', 'abs', 'square'];
/** Below this many outputs the JavaScript loop runs: a WebAssembly call (and any copies) would cost more than it saves. */
const MIN_SIMD_SIZE = 256;
/** Broadcast rows shorter than this run in JavaScript: one WebAssembly call per row would dominate. */
const MIN_SIMD_ROW = 16;

/**
 * The elementwise ops of a training step in WebAssembly SIMD (arithmetic, max/min, relu and its
 * step, negation, absolute value, square), bit-identical to the JavaScript loops (see
 * assembly/elementwise.ts), and exp, log, tanh and sigmoid, within 1 float32 ulp of them (see
 * simd-transcendental.ts); every other op, small tensors and short broadcast rows run the
 * JavaScript loops of `fallback`. Operands in the heap are used in place, others copied in (and
 * the result out); a broadcast runs one call per row of its collapsed walk.
 */
export function simdElementwise(s: SimdInstance, fallback: HostElementwise, inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams): void {
  if (runsTranscendental(params.op, out.length)) {
    simdTranscendental(s, params.op, inputs[0], out);
    return;
  }
  const binaryOp = WASM_BINARY_OPS.indexOf(params.op);
  const unaryOp = WASM_UNARY_OPS.indexOf(params.op);
  const walk = params.sameShape ? params : collapsedWalk(params);
  const rank = walk.outShape.length;
  const inner = rank === 0 ? 1 : walk.outShape[rank - 1];
  if ((binaryOp < 0 && unaryOp < 0) || out.length < MIN_SIMD_SIZE || (!walk.sameShape && inner < MIN_SIMD_ROW)) {
    fallback.run(inputs, out, scalars, params);
    return;
  }
  const placed = s.place(0, inputs, out);
  const offsets = placed.inputs;
  const outAt = placed.out;
  if (unaryOp >= 0) {
    s.exports.unary(unaryOp, offsets[0], outAt, out.length);
  } else {
    // Per operand: its region in memory, or null for a scalar argument.
    let t = 0;
    let c = 0;
    const operands = walk.operands.map((o) => (o === 'scalar' ? { at: -1, strides: null, value: scalars[c++] } : { at: offsets[t++], strides: o, value: 0 }));
    if (walk.sameShape) {
      const [x, y] = operands;
      s.exports.binary(binaryOp, x.at, x.strides ? 1 : 0, x.value, y.at, y.strides ? 1 : 0, y.value, outAt, out.length);
    } else {
      binaryRows(s, binaryOp, walk.outShape, operands, outAt, inner, out.length / inner);
    }
  }
  placed.finish();
}

interface Operand { at: number; strides: readonly number[] | null; value: number }

/** One `binary` call per output row; an operand constant along the row is passed as its value. */
function binaryRows(s: SimdInstance, op: number, shape: readonly number[], [x, y]: readonly Operand[], outAt: number, inner: number, rows: number): void {
  const rank = shape.length;
  const floats = s.heap.floats();
  const step = (o: Operand) => (o.strides ? o.strides[rank - 1] : 0);
  const xStep = step(x);
  const yStep = step(y);
  for (let r = 0; r < rows; r++) {
    let rest = r;
    let xBase = 0;
    let yBase = 0;
    for (let d = rank - 2; d >= 0; d--) {
      const q = rest % shape[d];
      rest = (rest - q) / shape[d];
      if (x.strides) xBase += q * x.strides[d];
      if (y.strides) yBase += q * y.strides[d];
    }
    const xAt = x.at + 4 * xBase;
    const yAt = y.at + 4 * yBase;
    const xValue = x.strides ? (xStep === 0 ? floats[xAt / 4] : 0) : x.value;
    const yValue = y.strides ? (yStep === 0 ? floats[yAt / 4] : 0) : y.value;
    s.exports.binary(op, xAt, xStep, xValue, yAt, yStep, yValue, outAt + 4 * r * inner, inner);
  }
}

import { KERNELS_SHARED_WASM_BASE64 } from './generated/kernels-shared-wasm';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm';

/** Maximum size, in 64 KiB pages (4 GiB, the most a 32-bit WebAssembly memory can address), of the shared memory the shared variant imports (see scripts/build-wasm.mjs). */
export const SHARED_MEMORY_PAGES = 65536;

/** The compiled kernel module's bytes (assembly/index.ts), for a private or a shared memory. */
function kernelModuleBytes(shared = false): Uint8Array<ArrayBuffer> {
  const text = atob(shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * True when this JavaScript engine can run tensor-gpu's WebAssembly SIMD kernels: WebAssembly is
 * present and validates the kernel module, which uses 128-bit SIMD instructions.
 */
export function isWasmSimdAvailable(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(kernelModuleBytes());
}

/**
 * Compiles the kernel module (a few kilobytes: synchronous compilation is fine in browsers too);
 * `shared`: the variant over a shared memory, for worker threads.
 */
export function compileKernelModule(shared = false): WebAssembly.Module {
  return new WebAssembly.Module(kernelModuleBytes(shared));
}

/** The exports of assembly/index.ts; pointers are byte offsets, flags 0 or 1. */
export interface KernelExports {
  gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, p: number, transA: number, transB: number, accumulate: number, packA: number, packB: number, edge: number): void;
  gemmSlice(a: number, lda: number, pb: number, c: number, ldc: number, m: number, ncb: number, kcb: number, transA: number, accumulate: number, packA: number, edge: number): void;
  packSliceB(b: number, ldb: number, pc: number, kcb: number, jc: number, ncb: number, transB: number, dst: number): void;
  sliceDepth(n: number): number;
  packBTransposed(b: number, n: number, pc: number, kcb: number, jc: number, ncb: number, dst: number): void;
  padPlanes(x: number, xp: number, planes: number, h: number, w: number, hp: number, wp: number, ph: number, pw: number): void;
  tapOffsets(table: number, c: number, kh: number, kw: number, hp: number, wp: number, dh: number, dw: number, flip: number): void;
  positionOffsets(table: number, oh: number, ow: number, sh: number, sw: number, wp: number): void;
  convWeightGrad(xp: number, xpStep: number, dyPanels: number, dyStep: number, images: number, positionTable: number, positions: number, tapTable: number, first: number, count: number, o: number, dw: number, ldw: number, edge: number): void;
  convDirect(xp: number, wp: number, table: number, taps: number, panels: number, o: number, y: number, oh: number, ow: number, sh: number, sw: number, edge: number): void;
  col2im(cols: number, dx: number, c: number, h: number, w: number, kh: number, kw: number, oh: number, ow: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number): void;
  binary(op: number, x: number, xStep: number, xScalar: number, y: number, yStep: number, yScalar: number, out: number, n: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  transcendental(op: number, x: number, out: number, n: number): void;
  roundFloat16(x: number, out: number, n: number): void;
  softmax(op: number, a: number, b: number, out: number, rows: number, cols: number): void;
  reduce(op: number, a: number, out: number, lead: number, outer: number, count: number, inner: number): void;
  maxPool(x: number, out: number, which: number, planes: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number): void;
  maxPoolGrad(x: number, dy: number, dx: number, acc: number, which: number, planes: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number): void;
  sgd(p: number, g: number, out: number, n: number, lr: number, wd: number): void;
  average(s: number, g: number, p: number, out: number, n: number, decay: number, scale: number, wd: number, squared: number): void;
  momentumStep(p: number, g: number, b: number, out: number, n: number, lr: number, wd: number, mu: number, nesterov: number): void;
  adamStep(p: number, m: number, v: number, out: number, n: number, stepSize: number, bc2Sqrt: number, eps: number): void;
  KC: WebAssembly.Global;
  MC: WebAssembly.Global;
  NC: WebAssembly.Global;
}

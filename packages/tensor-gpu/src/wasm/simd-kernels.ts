import type { HostKernels } from '../kernels/host-kernels';
import type { MatmulGeometry } from '../kernels/matmul';
import { compileGemmModule } from './gemm-module';
import { WasmHeap } from './wasm-heap';

/** The exports of assembly/gemm.ts. */
interface GemmExports {
  gemm(a: number, b: number, c: number, m: number, n: number, p: number, transA: number, transB: number, packA: number, packB: number, edge: number): void;
  KC: WebAssembly.Global;
  MC: WebAssembly.Global;
  NC: WebAssembly.Global;
}

/**
 * The `cpu` backend's products in WebAssembly with 128-bit SIMD: one module instance over a
 * memory this object owns. Per batch entry, A and B are copied into the memory (a shared operand,
 * batch stride 0, once per call), the packed product runs there, and C is copied out; the packing
 * scratch is reused from call to call.
 *
 * Each output is summed in float32 over k in order with a separate multiply and add, the order of
 * the gpu.js kernel source; the plain-JavaScript kernels (`'js'`) sum in float64 and round once,
 * so the two differ by float32 rounding (well inside the tests' float32 tolerance).
 */
export class WasmSimdKernels implements HostKernels {
  readonly name = 'wasm-simd';
  private readonly heap = new WasmHeap();
  private readonly exports: GemmExports;

  constructor(module: WebAssembly.Module = compileGemmModule()) {
    const instance = new WebAssembly.Instance(module, { env: { memory: this.heap.memory } });
    this.exports = instance.exports as unknown as GemmExports;
  }

  /** Bytes of WebAssembly memory this instance holds (scratch and the operands of the largest call so far). */
  get heapBytes(): number {
    return this.heap.bytes;
  }

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
    checkProduct(a, b, out, g);
    const { batch, m, n, p } = g;
    if (batch * m * p === 0) return;
    if (n === 0) {
      out.fill(0, 0, batch * m * p);
      return;
    }
    const kc = this.exports.KC.value as number;
    const mc = this.exports.MC.value as number;
    const nc = this.exports.NC.value as number;
    const panelColumns = Math.min(nc, Math.ceil(p / 8) * 8);
    const [packA, packB, edge, aAt, bAt, cAt] = this.heap.layout([mc * kc * 4, kc * panelColumns * 4, 32 * 4, m * n * 4, n * p * 4, m * p * 4]);
    const heap = this.heap.floats();
    for (let bi = 0; bi < batch; bi++) {
      if (bi === 0 || g.aBatchStride !== 0) heap.set(a.subarray(bi * g.aBatchStride, bi * g.aBatchStride + m * n), aAt / 4);
      if (bi === 0 || g.bBatchStride !== 0) heap.set(b.subarray(bi * g.bBatchStride, bi * g.bBatchStride + n * p), bAt / 4);
      this.exports.gemm(aAt, bAt, cAt, m, n, p, g.transposeA ? 1 : 0, g.transposeB ? 1 : 0, packA, packB, edge);
      out.set(heap.subarray(cAt / 4, cAt / 4 + m * p), bi * m * p);
    }
  }

  dispose(): void {
    this.heap.release();
  }
}

/** Throws, naming the argument, when the arrays cannot hold what the geometry describes. */
function checkProduct(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
  for (const key of ['batch', 'm', 'n', 'p', 'aBatchStride', 'bBatchStride'] as const) {
    const v = g[key];
    if (!Number.isInteger(v) || v < 0) throw new Error(`matmul (wasm-simd): geometry.${key} must be a non-negative integer, got ${v}`);
  }
  const need = (stride: number, size: number) => (g.batch === 0 ? 0 : (g.batch - 1) * stride + size);
  const arrays: [string, Float32Array, number][] = [
    ['a', a, need(g.aBatchStride, g.m * g.n)],
    ['b', b, need(g.bBatchStride, g.n * g.p)],
    ['out', out, g.batch * g.m * g.p],
  ];
  for (const [name, array, length] of arrays) {
    if (!(array instanceof Float32Array)) throw new Error(`matmul (wasm-simd): ${name} must be a Float32Array`);
    if (array.length < length) throw new Error(`matmul (wasm-simd): ${name} holds ${array.length} values, the geometry needs ${length}`);
  }
}

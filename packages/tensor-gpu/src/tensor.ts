import type { DeviceBuffer } from './backend/device-buffer';
import { isBrandedInstance } from './brand';
import type { DType } from './dtype';
import type { Engine } from './engine';
import { fmt, sizeOf, type Shape } from './shape';
import { describeTensor } from './tensor-format';

const TENSOR_BRAND: unique symbol = Symbol.for('@nnlab/tensor-gpu:Tensor');

/** Nested arrays of numbers as returned by `Tensor.array()`. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array on a gpu.js device. Tensors are immutable; ops return new tensors
 * synchronously and keep values on the device. Reading values (`data()`, `array()`) is the only
 * asynchronous step. The library owns device memory: free a tensor with `dispose()` or create it
 * inside `tidy()`.
 */
export class Tensor {
  /** Unique id, for debugging and gradient bookkeeping. */
  readonly id: number;
  /** Number of elements. */
  readonly size: number;
  private disposedFlag = false;

  /** @internal True for a tensor made by any copy of this package (ES module, CommonJS or another version). */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(Tensor, this, value, TENSOR_BRAND);
  }

  /** @internal Created by ops through the engine; not a public constructor. */
  constructor(
    /** Size of each axis, PyTorch layout (NCHW images, `[out, in]` linear weights). */
    readonly shape: Shape,
    /** Element type. */
    readonly dtype: DType,
    /** @internal The device memory holding the values (shared by reshapes). */
    readonly buffer: DeviceBuffer | null,
    /** @internal The engine that owns this tensor. */
    readonly engine: Engine,
  ) {
    this.id = engine.nextTensorId();
    this.size = sizeOf(shape);
  }

  /** @internal The brand `instanceof Tensor` checks in every copy of this package. */
  get [TENSOR_BRAND](): true {
    return true;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once `dispose()` has run (directly or through `tidy`). */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Reads the values back, row-major, as a new Float32Array. */
  async data(): Promise<Float32Array> {
    this.assertLive('data');
    if (this.buffer === null) return new Float32Array(0);
    return this.engine.read(this.buffer);
  }

  /** Reads the values back as nested arrays following the shape (a number for a scalar). */
  async array(): Promise<NestedArray> {
    const flat = await this.data();
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return flat[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** Frees the tensor's device memory. Safe to call twice. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.engine.release(this);
  }

  /** Throws a clear error when the tensor was disposed; `op` names the caller. */
  assertLive(op: string): void {
    if (this.disposedFlag) throw new Error(`${op}: tensor #${this.id} (shape ${fmt(this.shape)}) was already disposed`);
  }

  /**
   * The dtype, the shape and the values, abbreviated like PyTorch's (above 1000 elements each
   * long axis shows its first and last 3 entries around `...`; 4 decimals, or scientific notation
   * for very large or small magnitudes):
   *
   * ```text
   * Tensor float32 [2,3]
   * [[ 1.0000,  2.0000,  3.0000],
   *  [ 4.0000,  5.0000,  6.0000]]
   * ```
   *
   * Values are read synchronously where the backend allows it (cpu and webasm hold them in host
   * memory; the GL backends read the texture, which waits for the GPU). Where reading would need
   * to wait asynchronously (webgpu, or a kernel still pending) the string says so instead of
   * blocking: `Tensor float32 [2,3] (values on the webgpu device; read them with await tensor.data())`.
   * A disposed tensor prints `(disposed)`. Node's `console.log` and `util.inspect` print the same.
   */
  toString(): string {
    if (this.disposedFlag) return describeTensor(this.dtype, this.shape, null, 'disposed');
    if (this.buffer === null) return describeTensor(this.dtype, this.shape, new Float32Array(0), '');
    const { values, backend } = this.engine.readNow(this.buffer);
    return describeTensor(this.dtype, this.shape, values, `values on the ${backend} device; read them with await tensor.data()`);
  }

  /** What Node's `util.inspect` (and so `console.log`) shows; a `Symbol.for` key, so no Node module is imported. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

import { hostMatmul } from './host-matmul';
import type { MatmulGeometry } from './matmul';

/**
 * Which implementation runs the `cpu` backend's matrix products (matmul, and the convolutions
 * built on it): `'wasm-simd'`, WebAssembly with 128-bit SIMD (the default), or `'js'`, the plain
 * JavaScript loops, kept as the reference and for engines without WebAssembly SIMD.
 */
export type CpuKernels = 'wasm-simd' | 'js';

/** The products behind the `cpu` backend's host loops. A device owns one and disposes it. */
export interface HostKernels {
  /** Which implementation this is. */
  readonly name: CpuKernels;
  /** Batched `out = op(A)·op(B)` as `g` describes; `out` holds `batch·m·p` values. */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void;
  /** Releases what the implementation holds (its WebAssembly memory); later calls throw. */
  dispose(): void;
}

/** The plain-JavaScript products: float64 accumulation per output, rounded once to float32. */
export class JsHostKernels implements HostKernels {
  readonly name = 'js';

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, g: MatmulGeometry): void {
    hostMatmul(a, b, out, g);
  }

  dispose(): void {
    // Holds nothing beyond garbage-collected arrays.
  }
}

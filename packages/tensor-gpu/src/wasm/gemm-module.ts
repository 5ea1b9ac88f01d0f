import { GEMM_WASM_BASE64 } from './generated/gemm-wasm';

/** The compiled matrix-product module's bytes. */
function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(GEMM_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * True when this JavaScript engine can run tensor-gpu's WebAssembly SIMD kernels: WebAssembly is
 * present and validates the kernel module, which uses 128-bit SIMD instructions.
 */
export function isWasmSimdAvailable(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(gemmModuleBytes());
}

/** Compiles the matrix-product module (small enough to compile synchronously in browsers too). */
export function compileGemmModule(): WebAssembly.Module {
  return new WebAssembly.Module(gemmModuleBytes());
}

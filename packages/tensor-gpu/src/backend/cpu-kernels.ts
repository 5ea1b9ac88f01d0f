import { JsHostKernels, type CpuKernels, type HostKernels } from '../kernels/host-kernels';
import { isWasmSimdAvailable } from '../wasm/kernels-module';
import { WasmSimdKernels } from '../wasm/simd-kernels';

/**
 * The `cpu` backend's product kernels of the requested kind. WebAssembly SIMD is never swapped for
 * JavaScript behind the caller's back: where it is missing this throws and says how to choose
 * the JavaScript kernels.
 */
export function createHostKernels(choice: CpuKernels): HostKernels {
  // `choice` is checked where it enters, in setBackend's options.
  if (choice === 'js') return new JsHostKernels();
  if (!isWasmSimdAvailable()) {
    throw new Error("cpu backend: WebAssembly SIMD is not available in this JavaScript engine; choose the plain-JavaScript kernels explicitly with setBackend('cpu', { cpuKernels: 'js' })");
  }
  return new WasmSimdKernels();
}

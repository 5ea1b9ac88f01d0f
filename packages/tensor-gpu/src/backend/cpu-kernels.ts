import { JsHostKernels, type CpuKernels, type HostKernels } from '../kernels/host-kernels';
import { isWasmSimdAvailable } from '../wasm/kernels-module';
import { SimdInstance } from '../wasm/simd-instance';
import { WasmSimdKernels } from '../wasm/simd-kernels';
import { WasmHeap } from '../wasm/wasm-heap';

/**
 * The `cpu` backend's product kernels of the requested kind. WebAssembly SIMD is never swapped for
 * JavaScript behind the caller's back: where it is missing this throws and says how to choose
 * the JavaScript kernels. `heap`: the heap the cpu backend's tensors live in, which the
 * WebAssembly kernels then run on (null: a memory of their own, operands copied per call).
 */
export function createHostKernels(choice: CpuKernels, heap: WasmHeap | null = null): HostKernels {
  // `choice` is checked where it enters, in setBackend's options.
  if (choice === 'js') return new JsHostKernels();
  if (!isWasmSimdAvailable()) {
    throw new Error("cpu backend: WebAssembly SIMD is not available in this JavaScript engine; choose the plain-JavaScript kernels explicitly with setBackend('cpu', { cpuKernels: 'js' })");
  }
  return new WasmSimdKernels(new SimdInstance(heap ? { heap } : {}));
}

/**
 * The heap the `cpu` backend's tensors live in: a shared WebAssembly memory, where this engine
 * runs WebAssembly SIMD and can make one (Node; browsers only when cross-origin isolated). Null
 * elsewhere: tensors are then JavaScript arrays and the WebAssembly kernels copy their operands.
 */
export function createCpuHeap(): WasmHeap | null {
  if (!isWasmSimdAvailable() || typeof SharedArrayBuffer !== 'function') return null;
  try {
    return new WasmHeap(true);
  } catch {
    return null; // shared memories refused (a browser page without cross-origin isolation)
  }
}

import { defaultEngine } from '../default-engine';
import type { Engine } from '../engine';

/**
 * Runs `fn` (sync or async) and throws when it leaves more live tensors, device buffers or bytes
 * of tensor blocks in the cpu backend's WebAssembly heap than before: the leak check for tests.
 * Returns what `fn` returned.
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>, engine: Engine = defaultEngine): Promise<T> {
  const before = engine.memory();
  const result = await fn();
  const after = engine.memory();
  if (after.numTensors !== before.numTensors || after.numBuffers !== before.numBuffers || after.numHeapTensorBytes !== before.numHeapTensorBytes) {
    throw new Error(
      `leak check: ${after.numTensors - before.numTensors} tensor(s) and ${after.numBuffers - before.numBuffers} device buffer(s) ` +
        `(${after.numBytes - before.numBytes} bytes; ${after.numHeapTensorBytes - before.numHeapTensorBytes} bytes of WebAssembly heap blocks) were left alive`,
    );
  }
  return result;
}

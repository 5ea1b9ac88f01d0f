/**
 * The anchors: @tensorflow/tfjs-core 4.22.0 on its `cpu` and `wasm` backends, in this process.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Impl } from './impls';

/** What `initTfjs` found. */
export interface TfjsInfo {
  version: string;
  /** Backends that initialised, in run order (wasm first). */
  backends: ('wasm' | 'cpu')[];
  /** Whether the wasm backend runs its SIMD binary. */
  wasmSimd: boolean | null;
  /** Whether the wasm backend runs threads (false in Node for 4.22.0). */
  wasmThreads: boolean | null;
  /** Directory the wasm binaries were loaded from. */
  wasmDir: string | null;
  notes: string[];
}

/** Points the wasm backend at the installed package's binaries and initialises both backends. */
export async function initTfjs(): Promise<TfjsInfo> {
  const info: TfjsInfo = { version: tf.version_core, backends: [], wasmSimd: null, wasmThreads: null, wasmDir: null, notes: [] };
  try {
    const req = createRequire(import.meta.url);
    info.wasmDir = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(info.wasmDir);
    if (await tf.setBackend('wasm')) {
      info.backends.push('wasm');
      info.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      info.wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    } else {
      info.notes.push('tfjs wasm backend did not initialise');
    }
  } catch (e) {
    info.notes.push(`tfjs wasm backend failed: ${(e as Error).message}`);
  }
  try {
    if (await tf.setBackend('cpu')) info.backends.push('cpu');
    else info.notes.push('tfjs cpu backend did not initialise');
  } catch (e) {
    info.notes.push(`tfjs cpu backend failed: ${(e as Error).message}`);
  }
  return info;
}

/** tfjs on `backend`; the timed call includes `dataSync()` and frees the output. */
export function tfjsImpl(backend: 'wasm' | 'cpu', simd: boolean | null): Impl {
  return {
    name: backend === 'wasm' ? `tfjs-wasm${simd ? ' (SIMD, 1 thread)' : ''}` : 'tfjs-cpu',
    library: 'tfjs',
    backend,
    async prepare(c) {
      await tf.setBackend(backend);
      const xs = c.tfInputs().map((i) => tf.tensor(i.values, i.shape, 'float32'));
      const once = (): Float32Array => {
        const y = tf.tidy(() => c.tfOp(tf, xs));
        try {
          return y.dataSync() as Float32Array;
        } finally {
          y.dispose();
        }
      };
      return { first: async () => once(), call: once, reference: c.tfReference, dispose: () => tf.dispose(xs) };
    },
    memory() {
      const m = tf.memory();
      return { tensors: m.numTensors, bytes: m.numBytes };
    },
  };
}

/**
 * Implementations under test, behind one interface: `prepare` uploads a case's inputs and
 * returns a call that runs the op, reads the result back and frees it.
 *
 * @module
 */
import * as t from '../src/index';
import type { BackendName } from '../src/index';
import type { BenchCase } from './cases';

/** Live tensors and bytes of an implementation's memory manager. */
export interface MemorySnapshot {
  tensors: number;
  bytes: number;
}

/** A case ready to run on one implementation. */
export interface Prepared {
  /** Runs the op once, reads the output back and frees it; resolves to the values read. */
  first(): Promise<Float32Array>;
  /** The timed call: the same work as `first` (op, read-back, free). */
  call(): unknown;
  /** The float64 reference in this implementation's layout. */
  reference(): Float64Array;
  /** Frees the inputs. */
  dispose(): void;
}

/** One implementation (a library on one backend). */
export interface Impl {
  /** Row name in the tables. */
  name: string;
  /** `tensor-gpu` or `tfjs`. */
  library: 'tensor-gpu' | 'tfjs';
  /** The library's backend name. */
  backend: string;
  /** Makes this implementation's backend current and uploads the case's inputs. */
  prepare(c: BenchCase): Promise<Prepared>;
  /** Live tensors and bytes now (to check that memory stays flat). */
  memory(): MemorySnapshot;
}

/** tensor-gpu on one of its backends. */
export function tensorGpuImpl(backend: BackendName): Impl {
  return {
    name: `tensor-gpu ${backend}`,
    library: 'tensor-gpu',
    backend,
    async prepare(c) {
      await t.setBackend(backend);
      const xs = c.tgInputs().map((i) => t.tensor(i.values, i.shape));
      const once = async (): Promise<Float32Array> => {
        const y = t.tidy(() => c.tgOp(t, xs));
        try {
          return await y.data();
        } finally {
          y.dispose();
        }
      };
      return { first: once, call: once, reference: c.tgReference, dispose: () => t.dispose(xs) };
    },
    memory() {
      const m = t.memory();
      return { tensors: m.numTensors, bytes: m.numBytes };
    },
  };
}

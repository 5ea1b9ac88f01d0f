import { Engine } from './engine';

// The build replaces this name with the package's version (scripts/rollup-package.mjs).
declare const __PACKAGE_VERSION__: string | undefined;

/** This copy's version, for messages: fixed by the build, `'source'` when the sources run unbuilt. */
const VERSION: string = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : 'source';

/**
 * Where the process-wide engine lives on `globalThis`. `Symbol.for` gives every copy of the package
 * (its ES module and CommonJS builds, or two installed versions) the same key, so they find one engine.
 */
export const SHARED_ENGINE_KEY: unique symbol = Symbol.for('@nnlab/tensor-gpu:engine');

/**
 * Version of the contract between copies that share one engine. A copy's ops call the shared
 * engine, its devices, kernel registry and tensors, all made by the copy that loaded first, so the
 * members they use must exist with the same meaning. Raise it whenever one of them changes
 * (shared-engine.test.ts lists them); copies with different protocols refuse to share.
 */
export const ENGINE_PROTOCOL = 5;

/** What the first copy to load leaves under {@link SHARED_ENGINE_KEY}. */
export interface SharedEngineRecord {
  /** The {@link ENGINE_PROTOCOL} of the copy that made the engine. */
  readonly protocol: number;
  /** That copy's package version. */
  readonly version: string;
  readonly engine: Engine;
}

/**
 * The engine under {@link SHARED_ENGINE_KEY} of `store`, made and recorded there on first call.
 * This is the one deliberate process-wide object of the package: a second engine would own tensors
 * the first one's ops reject.
 *
 * @param store - where the record lives: `globalThis`, or an object of a test's own.
 * @param version - this copy's version, recorded and named in errors.
 * @throws Error naming both versions when the recorded engine speaks another protocol (two
 * incompatible versions of the package in one process), or when the slot holds something else.
 */
export function sharedEngine(store: object = globalThis, version: string = VERSION): Engine {
  const found = (store as Record<symbol, unknown>)[SHARED_ENGINE_KEY];
  if (found === undefined) {
    const record: SharedEngineRecord = Object.freeze({ protocol: ENGINE_PROTOCOL, version, engine: new Engine() });
    // Not writable, so a later copy cannot replace the engine that live tensors belong to.
    Object.defineProperty(store, SHARED_ENGINE_KEY, { value: record, enumerable: false, writable: false, configurable: true });
    return record.engine;
  }
  const record = found as Partial<SharedEngineRecord> | null;
  if (record === null || typeof record !== 'object' || typeof record.protocol !== 'number' || typeof record.engine !== 'object') {
    throw new Error(`@nnlab/tensor-gpu ${version}: globalThis[Symbol.for('@nnlab/tensor-gpu:engine')] holds ${record === null ? 'null' : typeof record}, not the engine record { protocol, version, engine } of this package; something else uses the key`);
  }
  if (record.protocol !== ENGINE_PROTOCOL) {
    throw new Error(
      `@nnlab/tensor-gpu ${version} (engine protocol ${ENGINE_PROTOCOL}) cannot share the engine of @nnlab/tensor-gpu ` +
        `${String(record.version)} (engine protocol ${record.protocol}), which is already loaded in this process: tensors of one ` +
        'would not work with the ops of the other. Install a single version (`npm ls @nnlab/tensor-gpu` lists the copies; ' +
        'the @nnlab technique packages take it as a peer dependency, so one install serves them all).',
    );
  }
  return record.engine as Engine;
}

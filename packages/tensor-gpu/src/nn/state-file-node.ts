// Node-only: reads and writes state dicts with node:fs. Browser-safe encoding: ./state-format.ts.
import { readFile, writeFile } from 'node:fs/promises';
import type { Module } from './module';
import { loadStateDict, stateDict, type StateDict } from './state';
import { decodeStateDict, encodeStateDict } from './state-format';

/** Writes a state dict to `path` in the `.nnlb` format. */
export async function writeStateDictFile(dict: StateDict, path: string): Promise<void> {
  await writeFile(path, encodeStateDict(dict));
}

/**
 * Reads and decodes a `.nnlb` file; `caller` prefixes the errors: a read failure, or a
 * `StateFileError` naming the file for a malformed one.
 */
export async function readStateDictFile(path: string, caller: string): Promise<StateDict> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`${caller}: cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeStateDict(bytes, `${caller}: ${path}`);
}

/** Runs `load`, adding the file's path to the message of a mismatch it throws. */
export function loadNamingFile(path: string, load: () => void): void {
  try {
    load();
  } catch (e) {
    throw new Error(`${(e as Error).message} (file ${path})`);
  }
}

/** Writes a module's state dict (parameters and running statistics) to `path` in the `.nnlb` format. */
export async function saveStateDict(module: Module, path: string): Promise<void> {
  await writeStateDictFile(await stateDict(module), path);
}

/**
 * Reads a `.nnlb` file and loads it into `module` (every name and shape must match). Throws a
 * `StateFileError` naming the file for a malformed file, or loadStateDict's error for a mismatch.
 */
export async function loadStateDictFile(module: Module, path: string): Promise<void> {
  const dict = await readStateDictFile(path, 'loadStateDictFile');
  loadNamingFile(path, () => loadStateDict(module, dict));
}

// Node-only: reads and writes state dicts with node:fs. Browser-safe encoding: ./state-format.ts.
import { readFile, writeFile } from 'node:fs/promises';
import type { Module } from './module';
import { loadStateDict, stateDict } from './state';
import { decodeStateDict, encodeStateDict } from './state-format';

/** Writes a module's state dict (parameters and running statistics) to `path` in the `.nnlb` format. */
export async function saveStateDict(module: Module, path: string): Promise<void> {
  await writeFile(path, encodeStateDict(await stateDict(module)));
}

/**
 * Reads a `.nnlb` file and loads it into `module` (every name and shape must match). Throws a
 * `StateFileError` naming the file for a malformed file, or loadStateDict's error for a mismatch.
 */
export async function loadStateDictFile(module: Module, path: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`loadStateDictFile: cannot read ${path}: ${(e as Error).message}`);
  }
  const dict = decodeStateDict(bytes, `loadStateDictFile: ${path}`);
  try {
    loadStateDict(module, dict);
  } catch (e) {
    throw new Error(`${(e as Error).message} (file ${path})`);
  }
}

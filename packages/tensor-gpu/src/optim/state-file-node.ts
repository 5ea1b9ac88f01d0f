// Node-only: an optimizer's state dict in a `.nnlb` file, next to the model's (see ../nn/state-file-node.ts).
import { loadNamingFile, readStateDictFile, writeStateDictFile } from '../nn/state-file-node';
import type { Optimizer } from './optimizer';
import type { NamedParameters } from './state-dict';

/**
 * Writes `optimizer.stateDict(params)` (step count and state tensors, keyed by the parameters'
 * names) to `path` in the `.nnlb` format. Save the model with `saveStateDict` beside it.
 */
export async function saveOptimizerStateDict(optimizer: Optimizer, params: NamedParameters, path: string): Promise<void> {
  await writeStateDictFile(await optimizer.stateDict(params), path);
}

/**
 * Reads a `.nnlb` file written by {@link saveOptimizerStateDict} and loads it into `optimizer`
 * for the parameters `params` names. Throws a `StateFileError` naming the file for a malformed
 * file, or `loadStateDict`'s error (with the file's path) for a mismatch.
 */
export async function loadOptimizerStateDictFile(optimizer: Optimizer, params: NamedParameters, path: string): Promise<void> {
  const dict = await readStateDictFile(path, 'loadOptimizerStateDictFile');
  loadNamingFile(path, () => optimizer.loadStateDict(params, dict));
}

// Training checkpoints of the paper run: model weights, the optimizer's state dict and the epoch
// count in one `.nnlb` state file, written atomically (temp file, then rename).
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as t from '@nnlab/tensor-gpu';

const MODEL = 'model.';
const OPTIMIZER = 'optimizer.';
const EPOCHS = 'meta.epochsDone';
/** Checkpoints of the first runs held the momentum buffers under this prefix, without a step count. */
const LEGACY_MOMENTUM = 'momentum.';

const withPrefix = (prefix: string, dict: t.nn.StateDict): t.nn.StateDict => Object.fromEntries(Object.entries(dict).map(([k, v]) => [prefix + k, v]));
const underPrefix = (prefix: string, dict: t.nn.StateDict): t.nn.StateDict => Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));

/** Writes `model`, the state of `optimizer` and `epochsDone` to `path`. */
export async function saveCheckpoint(path: string, model: t.nn.Module, optimizer: t.optim.Optimizer, epochsDone: number): Promise<void> {
  const dict: t.nn.StateDict = {
    ...withPrefix(MODEL, await t.nn.stateDict(model)),
    ...withPrefix(OPTIMIZER, await optimizer.stateDict(model.namedParameters())),
    [EPOCHS]: { shape: [1], data: Float32Array.of(epochsDone) },
  };
  await writeFile(`${path}.tmp`, t.nn.encodeStateDict(dict));
  await rename(`${path}.tmp`, path);
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint} into `model` and into a new SGD optimizer
 * (momentum μ, constant `lr`); returns both with the epoch count, or null when `path` does not exist.
 */
export async function loadCheckpoint(path: string, model: t.nn.Module, sgd: { lr: number; momentum: number }): Promise<{ epochsDone: number; optimizer: t.optim.Optimizer } | null> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
  const dict = t.nn.decodeStateDict(bytes, `loadCheckpoint: ${path}`);
  t.nn.loadStateDict(model, underPrefix(MODEL, dict));
  const legacy = underPrefix(LEGACY_MOMENTUM, dict);
  const saved = Object.keys(legacy).length > 0
    ? { ...Object.fromEntries(Object.entries(legacy).map(([name, v]) => [`${name}.momentum`, v])), stepCount: { shape: [], data: Float32Array.of(1) } }
    : underPrefix(OPTIMIZER, dict);
  const optimizer = t.optim.sgd({ lr: sgd.lr, momentum: sgd.momentum });
  optimizer.loadStateDict(model.namedParameters(), saved);
  return { epochsDone: dict[EPOCHS].data[0], optimizer };
}

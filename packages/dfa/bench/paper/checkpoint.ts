// Training checkpoints of the paper run: tensor-gpu's training checkpoint (model weights, the
// optimizer's state dict and the epoch count in one `.nnlb` state dict), written atomically, plus
// the reader of the first runs' files, which held the momentum buffers by hand.
import * as t from '@nnlab/tensor-gpu';
import { readFileIfExists, writeFileAtomic } from '../../../../scripts/bench-report';

/** Checkpoints of the first runs held the momentum buffers under this prefix, without a step count. */
const LEGACY_MOMENTUM = 'momentum.';

const underPrefix = (prefix: string, dict: t.nn.StateDict): t.nn.StateDict => Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));

/** Writes `model`, the state of `optimizer` and `epochsDone` to `path`. */
export async function saveCheckpoint(path: string, model: t.nn.Module, optimizer: t.optim.Optimizer, epochsDone: number): Promise<void> {
  await writeFileAtomic(path, t.nn.encodeStateDict(await t.train.checkpointStateDict({ model, optimizer, meta: { epochsDone } })));
}

/** Loads a file of the first runs (`model.*`, `momentum.*`, `meta.epochsDone`); returns the epoch count. */
function restoreLegacy(dict: t.nn.StateDict, model: t.nn.Module, optimizer: t.optim.Optimizer): number {
  t.nn.loadStateDict(model, underPrefix('model.', dict));
  const momentum = underPrefix(LEGACY_MOMENTUM, dict);
  optimizer.loadStateDict(model.namedParameters(), { ...Object.fromEntries(Object.entries(momentum).map(([name, v]) => [`${name}.momentum`, v])), stepCount: { shape: [], data: Float32Array.of(1) } });
  return dict['meta.epochsDone'].data[0];
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint} (or by the first runs) into `model` and
 * into a new SGD optimizer (momentum μ, rate `lr`); returns both with the epoch count, or null
 * when `path` does not exist.
 */
export async function loadCheckpoint(path: string, model: t.nn.Module, sgd: { lr: t.optim.LearningRate; momentum: number }): Promise<{ epochsDone: number; optimizer: t.optim.Optimizer } | null> {
  const bytes = await readFileIfExists(path);
  if (!bytes) return null;
  const dict = t.nn.decodeStateDict(bytes, `loadCheckpoint: ${path}`);
  const optimizer = t.optim.sgd({ lr: sgd.lr, momentum: sgd.momentum });
  try {
    const legacy = Object.keys(dict).some((k) => k.startsWith(LEGACY_MOMENTUM));
    return { epochsDone: legacy ? restoreLegacy(dict, model, optimizer) : t.train.restoreCheckpoint(dict, model, optimizer).epochsDone, optimizer };
  } catch (e) {
    optimizer.dispose();
    throw e;
  }
}

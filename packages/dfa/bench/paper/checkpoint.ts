// Training checkpoints of the paper run: model weights, SGD momentum buffers and the epoch count in
// one `.nnlb` state file. tensor-gpu's optimizers have no state dict yet, so the momentum buffers
// are read through `optimizer.state(p)` and restored by a priming step (below); swap both for the
// optimizers' own stateDict/loadStateDict once tensor-gpu has them.
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as t from '@nnlab/tensor-gpu';

const MODEL = 'model.';
const MOMENTUM = 'momentum.';
const EPOCHS = 'meta.epochsDone';

/** Writes `model`, the momentum of `optimizer` and `epochsDone` to `path` (atomically: temp file, then rename). */
export async function saveCheckpoint(path: string, model: t.nn.Module, optimizer: t.optim.Optimizer, epochsDone: number): Promise<void> {
  const dict: t.nn.StateDict = {};
  for (const [name, entry] of Object.entries(await t.nn.stateDict(model))) dict[MODEL + name] = entry;
  for (const [name, p] of model.namedParameters()) {
    const buffer = optimizer.state(p)?.momentum;
    if (buffer) dict[MOMENTUM + name] = { shape: [...buffer.shape], data: await buffer.data() };
  }
  dict[EPOCHS] = { shape: [1], data: Float32Array.of(epochsDone) };
  await writeFile(`${path}.tmp`, t.nn.encodeStateDict(dict));
  await rename(`${path}.tmp`, path);
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint} into `model` and returns the epoch count and
 * an SGD optimizer (momentum μ, constant `lr`) whose momentum buffers equal the saved ones. Null
 * when `path` does not exist.
 */
export async function loadCheckpoint(path: string, model: t.nn.Module, sgd: { lr: number; momentum: number }): Promise<{ epochsDone: number; optimizer: t.optim.Optimizer } | null> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
  const dict = t.nn.decodeStateDict(bytes, `loadCheckpoint: ${path}`);
  const pick = (prefix: string) => Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  t.nn.loadStateDict(model, pick(MODEL));
  return { epochsDone: dict[EPOCHS].data[0], optimizer: primedSgd(model, sgd, pick(MOMENTUM)) };
}

/**
 * SGD whose first update has learning rate 0 and takes the saved buffers as gradients: PyTorch's
 * rule makes the first momentum buffer equal to the gradient (no weight decay), and a zero rate
 * leaves the weights exactly as they are, so afterwards the optimizer is where the saved one was.
 */
function primedSgd(model: t.nn.Module, sgd: { lr: number; momentum: number }, buffers: t.nn.StateDict): t.optim.Optimizer {
  const names = Object.keys(buffers);
  const optimizer = t.optim.sgd({ lr: (step) => (names.length > 0 && step === 0 ? 0 : sgd.lr), momentum: sgd.momentum });
  if (names.length === 0) return optimizer;
  const params = model.namedParameters();
  if (params.length !== names.length) throw new Error(`loadCheckpoint: ${names.length} momentum buffers for ${params.length} parameters`);
  const grads = params.map(([name]) => t.tensor(buffers[name].data, buffers[name].shape));
  optimizer.step(params.map(([, p]) => p), grads);
  for (const g of grads) g.dispose();
  return optimizer;
}

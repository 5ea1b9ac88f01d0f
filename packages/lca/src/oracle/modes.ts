// The evaluation convention of the decomposed loss: dropout off, one fixed BatchNorm rule, state untouched.
import * as t from '@nnlab/tensor-gpu';

/**
 * How BatchNorm layers normalise while LCA evaluates the loss: `'train'` (default, the
 * reference) uses each chunk's own batch statistics, so L(θ) depends on the chunking; `'eval'`
 * uses the running statistics, which stay fixed during LCA. In both cases the running statistics
 * are restored afterwards, so LCA never changes the model's state.
 */
export type BatchNormMode = 'train' | 'eval';

function isBatchNorm(m: t.nn.Module): boolean {
  // Structural test (a class with running statistics), so that it holds across package copies.
  return m.namedBuffers().some(([n]) => n === 'runningMean') && m.namedChildren().length === 0;
}

function allModules(root: t.nn.Module): t.nn.Module[] {
  const out = [root];
  for (const [, c] of root.namedChildren()) out.push(...allModules(c));
  return out;
}

/**
 * Puts `model` into the LCA evaluation convention: every module in eval mode (dropout off)
 * except BatchNorm layers, which follow `bnMode`; buffers (running statistics) are snapshotted.
 * Returns the function that restores the training flags and the buffers.
 */
export function enterEvaluationMode(model: t.nn.Module, bnMode: BatchNormMode): () => void {
  const modules = allModules(model);
  const flags = modules.map((m) => m.training);
  const buffers = model.namedBuffers().map(([, b]) => ({ buffer: b, value: b.value }));
  // A view shares the device buffer, so the saved values survive BatchNorm replacing (and disposing) the tensor.
  const saved = buffers.map(({ value }) => t.reshape(value, [...value.shape]));
  for (const m of modules) m.training = isBatchNorm(m) && bnMode === 'train';
  return () => {
    modules.forEach((m, i) => (m.training = flags[i]));
    buffers.forEach(({ buffer, value }, i) => {
      if (buffer.value === value) saved[i].dispose();
      else buffer.assign(saved[i]);
    });
  };
}

import { checkTensor } from '../ops/run';
import type { Tensor } from '../tensor';

/**
 * The values of `x` as a new tensor that gradients do not flow through: a constant to every
 * enclosing `valueAndGrad`. No copy is made (the new tensor shares `x`'s storage); dispose it
 * like any other tensor.
 */
export function detach(x: Tensor): Tensor {
  checkTensor(x, 'detach');
  return x.engine.view(x, x.shape);
}

/**
 * True when an enclosing `valueAndGrad` records `x`: `x` is one of its arguments or was computed
 * from one, and `noGrad` is not in force. A custom backward rule can skip a gradient nobody needs.
 */
export function isRecorded(x: Tensor): boolean {
  checkTensor(x, 'isRecorded');
  return x.engine.isRecorded(x);
}

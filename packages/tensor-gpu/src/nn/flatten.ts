import { reshape } from '../ops/layout';
import { checkTensor } from '../ops/run';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { Module } from './module';

/** Flattens every axis but the batch axis: `[N, ...]` → `[N, prod(...)]` (a view, no copy). */
export class Flatten extends Module {
  /** `reshape(x, [N, -1])`. */
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Flatten');
    if (x.rank < 1) throw new Error(`Flatten: expected a batch axis, got a scalar ${fmt(x.shape)}`);
    return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }
}

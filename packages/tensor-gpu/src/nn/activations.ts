import { relu, sigmoid, tanh } from '../ops/elementwise';
import type { Tensor } from '../tensor';
import { Module } from './module';

/** `max(x, 0)` as a module (no parameters). */
export class ReLU extends Module {
  /** `relu(x)`. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** Hyperbolic tangent as a module (no parameters). */
export class Tanh extends Module {
  /** `tanh(x)`. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Logistic sigmoid as a module (no parameters). */
export class Sigmoid extends Module {
  /** `sigmoid(x)`. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

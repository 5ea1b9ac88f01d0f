import { describe, expect, it } from 'vitest';
import { Tanh } from '../nn/activations';
import { Sequential } from '../nn/containers';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { cast } from '../ops/cast';
import { sgd } from '../optim/sgd';
import { splitmix32 } from '../random';
import type { Tensor } from '../tensor';
import { expectSameWeightsOnOneAndTwoThreads } from './thread-training.test-helper';

// A tanh MLP whose activations pass through binary16, batch 128: its tanh (32768 values), softmax
// cross-entropy (1280) and binary16 casts run the WebAssembly kernels of simd-transcendental.ts,
// simd-softmax.ts and simd-fp16.ts, on the calling thread; its large products are split between
// threads. The weights after three steps must not depend on the thread count.

class Float16RoundTrip extends Module {
  forward(x: Tensor): Tensor {
    return cast(cast(x, 'float16'), 'float32');
  }
}

describe('a tanh MLP step through binary16 on 1 and 2 threads', () => {
  it('gives bit-identical weights after three SGD steps', async () => {
    const next = splitmix32(5);
    const x = Float32Array.from({ length: 128 * 784 }, () => 2 * next() - 1);
    const labels = Int32Array.from({ length: 128 }, (_, i) => (i * 3) % 10);
    await expectSameWeightsOnOneAndTwoThreads(
      () => new Sequential(new Linear(784, 256, { seed: 3 }), new Tanh(), new Float16RoundTrip(), new Linear(256, 10, { seed: 4 })),
      () => sgd({ lr: 0.1 }),
      { x, shape: [128, 784], labels },
    );
  });
});

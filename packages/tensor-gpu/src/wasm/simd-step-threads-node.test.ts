import { describe, expect, it } from 'vitest';
import { defaultEngine } from '../default-engine';
import { Tanh } from '../nn/activations';
import { Sequential } from '../nn/containers';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { cast } from '../ops/cast';
import { tensor } from '../ops/creation';
import { sgd } from '../optim/sgd';
import { splitmix32 } from '../random';
import type { Tensor } from '../tensor';
import { trainStep } from '../train/step';

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
    const train = async (threads: number): Promise<Float32Array[]> => {
      await defaultEngine.setBackend('cpu', { threads });
      expect(defaultEngine.getCpuThreads()).toBe(threads);
      const model = new Sequential(new Linear(784, 256, { seed: 3 }), new Tanh(), new Float16RoundTrip(), new Linear(256, 10, { seed: 4 }));
      const optimizer = sgd({ lr: 0.1 });
      const input = tensor(defaultEngine, x, [128, 784]);
      for (let step = 0; step < 3; step++) trainStep(model, input, labels, { optimizer }).dispose();
      const weights = await Promise.all(model.parameters().map((p) => p.value.data()));
      input.dispose();
      optimizer.dispose();
      model.dispose();
      return weights;
    };
    try {
      const one = await train(1);
      const two = await train(2);
      expect(two.length).toBe(one.length);
      for (let i = 0; i < one.length; i++) expect(two[i]).toEqual(one[i]);
    } finally {
      await defaultEngine.setBackend('cpu', { threads: 'auto' });
    }
  });
});

import * as t from './src/index';
import { nodeWebGpu } from './src/node';

await t.setBackend('webgpu', { gpu: await nodeWebGpu() });
for (let r = 0; r < 100; r++) {
  const a = t.randn([7, 5], { seed: r });
  const b = t.randn([5], { seed: r + 1 });
  const ys = [t.add(a, b), t.mul(a, b), t.maximum(a, b), t.pow(t.abs(a), b)];
  for (const y of ys) await y.data();
  if (r % 10 == 0) console.log('round', r);
  t.dispose([a, b, ...ys]);
  (globalThis as any).gc?.();
}
console.log('ok', t.memory());

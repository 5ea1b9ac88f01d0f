// The evaluator module the benchmark's worker threads load: MNIST tasks through the package's
// mnistEvaluatorFor, and a 'noop' task (scores without training) that measures the queue alone.
// Plain JavaScript because threads do not inherit the parent's TypeScript loader: it registers tsx.
import { register } from 'tsx/esm/api';

register();
const { mnistEvaluatorFor } = await import('../src/queue/mnist-task.ts');

export async function evaluatorFor(task) {
  if (task && task.kind === 'noop') return (configs) => configs.map(() => 0);
  return mnistEvaluatorFor(task);
}

// LCA overhead on one model: the online Simpson iteration against its parts, and memory online vs offline.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { allocateTrajectory, moduleLayout, moduleOracle, OnlineLca, readParameters } from '../src/index';
import { TrajectoryFileReader, TrajectoryFileWriter } from '../src/node';
import { makeTrainer } from '../src/testing/sgd.test-helper';
import { median } from '../../../scripts/bench-report';

/** What {@link measureOverhead} measured. */
export interface OverheadResult {
  model: string;
  parameters: number;
  evaluationExamples: number;
  iterations: number;
  stepMs: number;
  gradientMs: number;
  evaluationsPerIteration: number;
  onlineIterationMs: number;
  overhead: number;
  offlineIterationMs: number;
  memory: {
    onlineBytes: number;
    onlineNoSeriesBytes: number;
    offlineRunBytes: number;
    offlineFileBytes: number;
    offlineWriterBufferBytes: number;
    fullMatrixBytes: number;
    perIterationFileBytes: number;
  };
}

/**
 * Times, on `evaluation` (a fixed set of training examples), interleaved iteration by
 * iteration: the plain SGD step, the online Simpson allocation that follows it, and one extra
 * full-set gradient evaluation. Overhead = (step + allocation) / (step + evaluations per
 * iteration × gradient time): 1 means LCA costs nothing beyond the gradients it needs.
 */
export async function measureOverhead(options: {
  name: string;
  build: () => t.nn.Module;
  train: t.train.LabeledData;
  evaluation: t.train.LabeledData;
  inputShape: number[];
  iterations: number;
  log: (msg: string) => void;
}): Promise<OverheadResult> {
  const { train, evaluation, inputShape, iterations, log } = options;
  const model = options.build();
  const params = model.parameters();
  const sync = async () => {
    await params[params.length - 1].value.data();
  };
  const trainer = makeTrainer(model, train, { lr: 0.01, momentum: 0.9, batchSize: 250, seed: 3, inputShape });
  const layout = moduleLayout(model);
  const dir = await mkdtemp(join(tmpdir(), 'lca-bench-'));
  try {
    // Warm-up: compile the kernels of the step and of a full-set gradient.
    const probe = moduleOracle(model, { data: evaluation, inputShape, chunkSize: evaluation.count });
    trainer.step();
    await sync();
    await probe(await readParameters(layout));

    // Online Simpson LCA, recording the trajectory to disk for the offline run. Each iteration
    // times its two parts (the plain step, then the allocation), and then one extra full-set
    // gradient at the current θ with a separate oracle, so that the three are measured under
    // the same machine load.
    const file = join(dir, 'theta.bin');
    const writer = await TrajectoryFileWriter.create(file, layout.layout.tensors.map((s) => ({ name: s.name, shape: s.shape, unitAxis: s.unitAxis })));
    const lca = await OnlineLca.create(model, { data: evaluation, inputShape, chunkSize: evaluation.count, quadrature: 'simpson', trajectory: writer });
    const stepTimes: number[] = [];
    const allocateTimes: number[] = [];
    const gradTimes: number[] = [];
    let evaluations = 0;
    for (let i = 0; i < iterations; i++) {
      const a = performance.now();
      trainer.step();
      await sync();
      const b = performance.now();
      const it = await lca.observe();
      const c = performance.now();
      evaluations += it.evaluations;
      stepTimes.push(b - a);
      allocateTimes.push(c - b);
      const theta = await readParameters(layout);
      const d = performance.now();
      await probe(theta);
      gradTimes.push(performance.now() - d);
    }
    probe.dispose();
    const onlineBytes = lca.memoryBytes();
    lca.dispose();
    await writer.close();
    const noSeries = await OnlineLca.create(model, {
      data: evaluation,
      inputShape,
      chunkSize: evaluation.count,
      keep: { parameterTotals: true, layerSeries: false, tensorSeries: false, unitSeries: false },
    });
    const onlineNoSeriesBytes = noSeries.memoryBytes() + 8 * 7 * iterations;
    noSeries.dispose();
    const mean = (v: readonly number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    const stepMs = mean(stepTimes);
    const gradientMs = mean(gradTimes);
    const onlineIterationMs = stepMs + mean(allocateTimes);
    const evaluationsPerIteration = evaluations / iterations;
    const overhead = onlineIterationMs / (stepMs + evaluationsPerIteration * gradientMs);
    log(`  ${options.name}: step ${stepMs.toFixed(1)} ms, gradient on ${evaluation.count} examples ${gradientMs.toFixed(1)} ms (median ${median(gradTimes).toFixed(1)})`);
    log(`  ${options.name}: online Simpson iteration ${onlineIterationMs.toFixed(1)} ms, ${evaluationsPerIteration} evaluations, overhead ${overhead.toFixed(3)}`);

    // 4. Offline from the file.
    const offlineOracle = moduleOracle(model, { data: evaluation, inputShape, chunkSize: evaluation.count });
    const reader = await TrajectoryFileReader.open(file);
    const a = performance.now();
    const run = await allocateTrajectory(reader, offlineOracle, { quadrature: 'simpson' });
    const offlineIterationMs = (performance.now() - a) / iterations;
    offlineOracle.dispose();
    const fileBytes = (await stat(file)).size;
    const P = layout.layout.size;
    return {
      model: options.name,
      parameters: P,
      evaluationExamples: evaluation.count,
      iterations,
      stepMs,
      gradientMs,
      evaluationsPerIteration,
      onlineIterationMs,
      overhead,
      offlineIterationMs,
      memory: {
        onlineBytes,
        onlineNoSeriesBytes,
        offlineRunBytes: run.memoryBytes() + Math.max(1, Math.floor((8 << 20) / (P * 8))) * P * 8,
        offlineFileBytes: fileBytes,
        offlineWriterBufferBytes: writer.bufferBytes,
        fullMatrixBytes: iterations * P * 8,
        perIterationFileBytes: P * 8,
      },
    };
  } finally {
    trainer.dispose();
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Where a training step's time goes on the `cpu` backend: runs MLP 784-256-10 and LeNet-5 training
 * steps (batch 64, SGD) and times every kernel by primitive name, split into the registry's host
 * implementations and the gpu.js sources that still run. Also reports the time outside kernels
 * (tape, shapes, allocation). Times are this process's CPU time (user + system), not wall time:
 * on a shared machine another process's load stretches wall time but hardly the CPU time a kernel
 * takes, so the shares stay comparable from run to run.
 *
 * Run from the package folder: `pnpm exec tsx bench/step-profile.ts [--steps=30] [--models=mlp,cnn] [--activation=relu|tanh]`.
 * Prints one table per model and writes `bench/results/step-profile.json` (`step-profile-tanh.json`
 * with `--activation=tanh`, which puts tanh in place of the MLP's ReLU, as DFA's MLPs have).
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '../src/index';
import { Device } from '../src/backend/device';
import type { KernelSpec } from '../src/backend/kernel-spec';
import { lenet5 } from '../src/nn/models';
import { Linear } from '../src/nn/linear';
import { ReLU, Tanh } from '../src/nn/activations';
import { Sequential } from '../src/nn/containers';
import type { Module } from '../src/nn/module';
import { sgd } from '../src/optim/sgd';
import { trainStep } from '../src/train/step';
import { uniformValues } from './reference';
import { machineInfo, markdownTable, writeJson } from './report';
import { loadAverageLine } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const BATCH = 64;

interface KernelTime { name: string; path: 'host' | 'gpu.js'; calls: number; ms: number }

/** Wraps `Device.prototype.run` to add each call's time to `times` (keyed by name and path). */
function instrument(times: Map<string, KernelTime>): () => void {
  const original = Device.prototype.run;
  Device.prototype.run = function (this: Device, spec: KernelSpec, args, precision, host) {
    const path = host && this.hostResident && (precision ?? 'float32') === 'float32' ? 'host' : 'gpu.js';
    const t0 = process.cpuUsage();
    const out = original.call(this, spec, args, precision, host);
    const used = process.cpuUsage(t0);
    const key = `${spec.name}|${path}`;
    const row = times.get(key) ?? { name: spec.name, path, calls: 0, ms: 0 };
    row.calls++;
    row.ms += (used.user + used.system) / 1000;
    times.set(key, row);
    return out;
  };
  return () => {
    Device.prototype.run = original;
  };
}

function model(name: 'mlp' | 'cnn', activation: 'relu' | 'tanh'): { m: Module; shape: number[] } {
  if (name === 'cnn') return { m: lenet5({ seed: 1 }), shape: [BATCH, 1, 28, 28] };
  return { m: new Sequential(new Linear(784, 256, { seed: 1 }), activation === 'tanh' ? new Tanh() : new ReLU(), new Linear(256, 10, { seed: 2 })), shape: [BATCH, 784] };
}

async function profile(name: 'mlp' | 'cnn', steps: number, activation: 'relu' | 'tanh'): Promise<{ stepMs: number; kernels: KernelTime[] }> {
  const { m, shape } = model(name, activation);
  const optimizer = sgd({ lr: 0.05 });
  const x = t.tensor(uniformValues(BATCH * 784, 7), shape);
  const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % 10);
  const step = async () => {
    const loss = trainStep(m, x, labels, { optimizer });
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < 5; i++) await step();
  const times = new Map<string, KernelTime>();
  const restore = instrument(times);
  const t0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) await step();
  const used = process.cpuUsage(t0);
  const stepMs = (used.user + used.system) / 1000 / steps;
  restore();
  x.dispose();
  optimizer.dispose();
  m.dispose();
  const kernels = [...times.values()].map((k) => ({ ...k, calls: k.calls / steps, ms: k.ms / steps })).sort((a, b) => b.ms - a.ms);
  return { stepMs, kernels };
}

async function main(): Promise<void> {
  let steps = 30;
  let models: ('mlp' | 'cnn')[] = ['mlp', 'cnn'];
  let activation: 'relu' | 'tanh' = 'relu';
  for (const a of process.argv.slice(2)) {
    if (a.startsWith('--steps=')) steps = Math.max(1, Number(a.slice(8)));
    else if (a.startsWith('--models=')) models = a.slice(9).split(',').filter((v): v is 'mlp' | 'cnn' => v === 'mlp' || v === 'cnn');
    else if (a === '--activation=relu' || a === '--activation=tanh') activation = a.slice(13) as 'relu' | 'tanh';
    else throw new Error(`bench/step-profile: unknown option ${a} (expected --steps=N, --models=mlp,cnn, --activation=relu|tanh)`);
  }
  await t.setBackend('cpu');
  const load = loadAverageLine();
  const results: Record<string, { stepMs: number; kernels: KernelTime[] }> = {};
  for (const name of models) {
    const r = await profile(name, steps, activation);
    results[name] = r;
    const inKernels = r.kernels.reduce((s, k) => s + k.ms, 0);
    console.log(`\n${name}: ${r.stepMs.toFixed(2)} ms of CPU time per step; kernels ${inKernels.toFixed(2)} ms, outside kernels ${(r.stepMs - inKernels).toFixed(2)} ms`);
    console.log(markdownTable(['kernel', 'runs on', 'calls/step', 'CPU ms/step', 'share of step'], r.kernels.map((k) => [k.name, k.path, k.calls.toFixed(0), k.ms.toFixed(3), `${((100 * k.ms) / r.stepMs).toFixed(1)}%`])));
  }
  console.log(`load: ${load}`);
  const file = activation === 'tanh' ? 'step-profile-tanh.json' : 'step-profile.json';
  writeJson(join(BENCH_DIR, 'results', file), { machine: machineInfo(), load, batch: BATCH, steps, activation, results });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

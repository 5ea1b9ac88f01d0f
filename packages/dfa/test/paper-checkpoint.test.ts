import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from '@nnlab/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../bench/paper/checkpoint';

describe('paper-run checkpoints', () => {
  let dir = '';
  beforeAll(async () => {
    await t.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'dfa-checkpoint-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resuming from a checkpoint continues SGD with momentum bit for bit, also from the first runs\' format', async () => {
    const make = () => new t.nn.Sequential(new t.nn.Linear(6, 5, { seed: 1 }), new t.nn.Tanh(), new t.nn.Linear(5, 3, { seed: 2 }));
    const x = t.rand([4, 6], { seed: 3 });
    const y = Int32Array.from([0, 1, 2, 1]);
    const step = (m: t.nn.Module, o: t.optim.Optimizer) => t.train.trainStep(m, x, y, { optimizer: o }).dispose();
    const path = join(dir, 'run.nnlb');
    const straight = make();
    const optimizer = t.optim.sgd({ lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 3; i++) step(straight, optimizer);
    await saveCheckpoint(path, straight, optimizer, 3);
    for (let i = 0; i < 3; i++) step(straight, optimizer);

    const resumed = make();
    const restored = await loadCheckpoint(path, resumed, { lr: 0.1, momentum: 0.9 });
    expect(restored?.epochsDone).toBe(3);
    for (let i = 0; i < 3; i++) step(resumed, restored!.optimizer);
    const a = await t.nn.stateDict(straight);
    const b = await t.nn.stateDict(resumed);
    for (const name of Object.keys(a)) expect(Array.from(b[name].data)).toEqual(Array.from(a[name].data));

    expect(await loadCheckpoint(join(dir, 'missing.nnlb'), make(), { lr: 0.1, momentum: 0.9 })).toBeNull();

    // The first runs' files held the momentum buffers as 'momentum.<name>' and no step count.
    const legacyPath = join(dir, 'legacy.nnlb');
    const legacy: t.nn.StateDict = { 'meta.epochsDone': { shape: [1], data: Float32Array.of(3) } };
    for (const [name, entry] of Object.entries(await t.nn.stateDict(straight))) legacy[`model.${name}`] = entry;
    for (const [name, p] of straight.namedParameters()) legacy[`momentum.${name}`] = { shape: [...p.value.shape], data: await optimizer.state(p)!.momentum.data() };
    await writeFile(legacyPath, t.nn.encodeStateDict(legacy));
    const fromLegacy = make();
    const old = (await loadCheckpoint(legacyPath, fromLegacy, { lr: 0.1, momentum: 0.9 }))!;
    expect(old.epochsDone).toBe(3);
    for (const [name, p] of fromLegacy.namedParameters()) expect(Array.from(await old.optimizer.state(p)!.momentum.data())).toEqual(Array.from(legacy[`momentum.${name}`].data));
    fromLegacy.dispose();
    old.optimizer.dispose();
    for (const m of [straight, resumed]) m.dispose();
    optimizer.dispose();
    restored!.optimizer.dispose();
    x.dispose();
  });
});

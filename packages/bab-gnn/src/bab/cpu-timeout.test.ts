import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as t from '@nnlab/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateProblems, type BranchingProblem } from '../gnn/train';
import { verify } from './verify';

// A ReLU-splitting problem that BaBSR does not decide within several CPU seconds (the threshold
// sits 80 % of the way from the root's CROWN bound to the smallest sampled value).
let problem: BranchingProblem;
beforeAll(async () => {
  await t.setBackend('cpu');
  [problem] = await generateProblems(1, { seed: 3, sizes: [8, 32, 32, 2], position: 0.8 });
});

const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};

/** Busy processes, one per core, so that the test's thread gets only a share of a core. */
function loadEveryCore(): ChildProcess[] {
  return Array.from({ length: Math.min(4, availableParallelism()) }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

describe('verify with a CPU-seconds limit', () => {
  it('on a loaded thread, stops with "timeout" once its CPU budget is spent, not at the wall time it took', async () => {
    const budget = 0.6;
    const busy = loadEveryCore();
    try {
      const cpu0 = process.cpuUsage();
      const r = await verify(problem.net, problem.spec, { splitting: 'relu', batchSize: 1, timeout: 120, cpuTimeout: budget, attack: false });
      const cpu = cpuSeconds(cpu0);
      expect(r.status).toBe('timeout');
      expect(r.stats.branches).toBeGreaterThan(0);
      // It used its budget (plus at most a few branching steps), however long that took...
      expect(cpu).toBeGreaterThanOrEqual(budget);
      expect(cpu).toBeLessThan(budget + 1.5);
      // ...which, sharing the cores with the busy processes, was longer in wall time.
      expect(r.stats.timeMs / 1000).toBeGreaterThan(1.2 * budget);
      expect(r.stats.timeMs / 1000).toBeLessThan(100);
    } finally {
      for (const p of busy) p.kill();
    }
  }, 150_000);

  it('measures the budget on the clock it is given, and the wall-clock limit still applies', async () => {
    // A clock that advances 10 ms per reading: the search reads it once per branching step.
    let readings = 0;
    const clock = () => 10 * readings++;
    const r = await verify(problem.net, problem.spec, { splitting: 'relu', batchSize: 1, timeout: 120, cpuTimeout: 0.1, cpuClock: clock, attack: false });
    expect(r.status).toBe('timeout');
    // The budget is 10 readings after the first; each reading but the last is followed by one domain split into two.
    expect(r.stats.branches).toBeLessThanOrEqual(2 * 11);
    expect(r.stats.branches).toBeGreaterThanOrEqual(2 * 5);
    // A clock that never advances leaves the wall-clock limit to end the search.
    const wall = await verify(problem.net, problem.spec, { splitting: 'relu', batchSize: 1, timeout: 0.5, cpuTimeout: 0.1, cpuClock: () => 0, attack: false });
    expect(wall.status).toBe('timeout');
    expect(wall.stats.timeMs).toBeGreaterThanOrEqual(500);
  }, 60_000);

  it('refuses a limit that is not a positive number and a clock that is not a function', async () => {
    await expect(verify(problem.net, problem.spec, { cpuTimeout: 0 })).rejects.toThrow(/cpuTimeout must be > 0/);
    await expect(verify(problem.net, problem.spec, { cpuTimeout: Number.NaN })).rejects.toThrow(/cpuTimeout must be > 0/);
    await expect(verify(problem.net, problem.spec, { cpuTimeout: 1, cpuClock: 5 as unknown as () => number })).rejects.toThrow(/cpuClock must be a function/);
  });
});

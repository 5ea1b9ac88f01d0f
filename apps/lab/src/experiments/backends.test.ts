import { describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment';
import { MATMUL_TOLERANCE, compareToReference, createBackendsExperiment, referenceMatmul, type BackendReport } from './backends';

function fakeContext(values: Record<string, unknown> = {}) {
  const events: string[] = [];
  const ctx: ExperimentContext = {
    progress: (label, total) => {
      events.push(`start ${label} ${total}`);
      return { tick: (n = 1) => void events.push(`tick ${n}`), done: () => void events.push('done') };
    },
    log: (message) => void events.push(`log ${message}`),
    options: { seed: 1, quick: false, full: false, values },
    outDir: '/nonexistent/backends',
  };
  return { ctx, events };
}

describe('float64 reference', () => {
  it('multiplies small matrices exactly', () => {
    expect(Array.from(referenceMatmul([1, 2, 3, 4], [5, 6, 7, 8], 2))).toEqual([19, 22, 43, 50]);
  });
  it('measures the error relative to the largest |value|', () => {
    expect(compareToReference([1, 2.001], [1, 2])).toEqual({ maxAbsError: expect.closeTo(0.001, 12), maxRelError: expect.closeTo(0.0005, 12) });
    expect(compareToReference([Number.NaN], [1]).maxRelError).toBeNaN();
  });
});

describe('backends experiment', () => {
  it('matches the float64 reference on cpu and webasm and reports GFLOP/s', async () => {
    const experiment = createBackendsExperiment({ backends: ['cpu', 'webasm'], sizes: [32, 64], repeats: 2 });
    const { ctx, events } = fakeContext();
    const result = await experiment.run(ctx);
    const reports = (result.data as { backends: BackendReport[] }).backends;
    expect(reports.map((r) => r.name)).toEqual(['cpu', 'webasm']);
    for (const r of reports) {
      expect(r.available, `${r.name} available`).toBe(true);
      expect(r.error).toBeUndefined();
      expect(r.leakedTensors).toBe(0);
      expect(r.measurements.map((m) => m.size)).toEqual([32, 64]);
      for (const m of r.measurements) {
        expect(m.maxRelError).toBeLessThanOrEqual(MATMUL_TOLERANCE);
        expect(m.pass).toBe(true);
        expect(m.timesMs).toHaveLength(2);
        expect(m.gflops).toBeGreaterThan(0);
      }
    }
    expect(events[1]).toBe('start backends matmul 12');
    expect(events.filter((e) => e === 'tick 1')).toHaveLength(12);
    expect(events[events.length - 1]).toBe('done');
    expect(result.summary.find((r) => r.metric === 'backends agreeing with float64')).toMatchObject({ value: '2 of 2 available', pass: true });
    expect(result.summary.every((r) => r.pass !== false)).toBe(true);
    expect(result.sections.map((s) => s.title)).toEqual(['Accuracy and speed per backend', 'Throughput']);
    expect(result.sections[1].html.split('<rect class="bar"').length - 1).toBe(4);
  });

  it('lists browser-only backends as unavailable with a reason, not as failures', async () => {
    const experiment = createBackendsExperiment({ backends: ['webgl', 'webgl2'], sizes: [8], repeats: 1 });
    const { ctx } = fakeContext();
    const result = await experiment.run(ctx);
    const reports = (result.data as { backends: BackendReport[] }).backends;
    for (const r of reports) {
      expect(r.available).toBe(false);
      expect(r.reason).toMatch(/browser/);
    }
    expect(result.summary.filter((r) => r.pass === false).map((r) => r.metric)).toEqual(['backends agreeing with float64']);
    expect(result.summary[0].value).toMatch(/^unavailable: /);
  });

  it('parses and rejects its command-line values', () => {
    const opts = createBackendsExperiment().options!;
    expect(opts.backends.parse!('cpu, webasm')).toEqual(['cpu', 'webasm']);
    expect(() => opts.backends.parse!('cpu,tpu')).toThrow(/'tpu'/);
    expect(opts.sizes.parse!('16,32')).toEqual([16, 32]);
    expect(() => opts.sizes.parse!('0')).toThrow();
    expect(() => opts.repeats.parse!('1.5')).toThrow();
  });
});

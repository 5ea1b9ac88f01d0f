/** Runs one experiment of a run's plan and records its outcome, time, tier and backends. */
import * as t from '@nnlab/tensor-gpu';
import { join } from 'node:path';
import type { ExperimentOptions, ProgressHandle } from './experiment';
import { startLine, type PlannedExperiment } from './plan';
import { formatDuration, type Terminal } from './progress';
import type { ExperimentRecord } from './report/model';

/**
 * A progress bar that also notes the tensor-gpu backend current whenever it starts or moves into
 * `backends`: experiments select their backend before their loops, so these are the ones they ran on.
 */
function trackingBackend(bar: ProgressHandle, backends: Set<string>): ProgressHandle {
  const note = () => {
    const b = t.getBackend();
    if (b) backends.add(b);
  };
  note();
  return {
    tick: (n) => {
      note();
      bar.tick(n);
    },
    done: () => bar.done(),
  };
}

/**
 * Runs experiment `index` of `plan`, announcing its place in the run and the time left overall
 * (`doneMs`: the durations of the experiments before it). The backends it used are those current
 * whenever one of its progress bars moved (experiments select their backend before their loops).
 */
export async function runExperiment(plan: readonly PlannedExperiment[], index: number, doneMs: readonly number[], options: ExperimentOptions, outDir: string, terminal: Terminal): Promise<ExperimentRecord> {
  const { experiment: e, tier, expectedMs } = plan[index];
  const start = performance.now();
  const backends = new Set<string>();
  const record: ExperimentRecord = {
    id: e.id, title: e.title, description: e.description, status: 'ok', tier, expectedSeconds: expectedMs === null ? null : expectedMs / 1000,
    startedAt: new Date().toISOString(), durationMs: 0, backends: [],
  };
  terminal.log(startLine(plan, index, doneMs));
  try {
    record.result = await e.run({
      progress: (label, total) => trackingBackend(terminal.progress(label, total), backends),
      log: (message) => terminal.log(message),
      options,
      outDir: join(outDir, e.id),
    });
  } catch (err) {
    record.status = 'failed';
    record.error = err instanceof Error ? { message: err.message, stack: err.stack } : { message: String(err) };
  }
  record.durationMs = performance.now() - start;
  record.backends = [...backends];
  terminal.log(
    record.status === 'ok'
      ? `== ${e.id}: done in ${formatDuration(record.durationMs)}`
      : `== ${e.id}: FAILED after ${formatDuration(record.durationMs)}: ${record.error?.message}`,
  );
  return record;
}

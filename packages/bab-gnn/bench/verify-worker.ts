/**
 * A worker process of bench/run.ts: verifies the ACAS Xu instances it is sent, one at a time, and
 * sends back each result with its wall and CPU time (its own process, so the CPU time is its own).
 *
 * @module
 */
import { loadavg } from 'node:os';
import * as t from '@nnlab/tensor-gpu';
import { verifyAcasXuInstance } from '../src/node';

/** A job: one instance, where the data is and the time limit. */
export interface WorkerJob {
  x: number;
  y: number;
  property: number;
  dir: string;
  timeout: number;
}

/** What the worker sends back for a job. */
export interface WorkerResult {
  job: WorkerJob;
  status: string;
  timeS: number;
  cpuS: number;
  branches: number;
  load: number;
}

await t.setBackend('cpu');
process.on('message', async (job: WorkerJob) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await verifyAcasXuInstance({ instance: { x: job.x, y: job.y, property: job.property }, timeout: job.timeout }, job.dir);
  const cpu = process.cpuUsage(c0);
  const result: WorkerResult = { job, status: r.status, timeS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, branches: r.branches, load: loadavg()[0] };
  process.send?.(result);
});
process.send?.('ready');

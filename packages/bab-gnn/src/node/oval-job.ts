/**
 * One OVAL CIFAR property under one branching rule as a self-contained job: what a worker process
 * or thread needs to verify it from its own copy of the benchmark and of CIFAR-10.
 */
import { createOvalRule, OVAL_BOUNDINGS, OVAL_RULES, runOvalProperty, type OvalBounding, type OvalRuleName, type OvalRun } from '../bab/oval-run';
import type { BranchingGnn } from '../gnn/model';
import { loadPretrainedGnn } from '../gnn/pretrained-model';
import { loadCifar10 } from '@nnlab/tensor-gpu/node';
import { OVAL_SUITES, ovalInstances, readOvalModel, type OvalInstance, type OvalSuite, type OvalTestImages } from './oval';

/** The longest per-property timeout a job may ask for, seconds (a day). */
export const MAX_OVAL_JOB_TIMEOUT_S = 86_400;

/** One job: a property (table and row) under one rule. */
export interface OvalJob {
  /** The property table. */
  suite: OvalSuite;
  /** The row of the table. */
  row: number;
  /** The branching rule. */
  rule: OvalRuleName;
  /** Seconds for this property. */
  timeout: number;
  /** How each domain's objective is bounded (default `OVAL_DEFAULT_BOUNDING`). */
  bounding?: OvalBounding;
}

/** Checks a job payload (e.g. JSON from a queue); the error names the field and what was expected. */
export function checkOvalJob(data: unknown): OvalJob {
  const d = data as Partial<OvalJob> | null;
  if (!d || typeof d !== 'object') throw new Error(`job data must be { suite, row, rule, timeout }, got ${JSON.stringify(data)}`);
  if (!(OVAL_SUITES as readonly unknown[]).includes(d.suite)) throw new Error(`job data.suite must be one of ${OVAL_SUITES.join(', ')}, got ${JSON.stringify(d.suite)}`);
  if (!Number.isInteger(d.row) || (d.row as number) < 0) throw new Error(`job data.row must be an integer ≥ 0, got ${JSON.stringify(d.row)}`);
  if (!(OVAL_RULES as readonly unknown[]).includes(d.rule)) throw new Error(`job data.rule must be one of ${OVAL_RULES.join(', ')}, got ${JSON.stringify(d.rule)}`);
  if (typeof d.timeout !== 'number' || !(d.timeout > 0) || d.timeout > MAX_OVAL_JOB_TIMEOUT_S) throw new Error(`job data.timeout must be a number of seconds in (0, ${MAX_OVAL_JOB_TIMEOUT_S}], got ${JSON.stringify(d.timeout)}`);
  if (d.bounding !== undefined && !(OVAL_BOUNDINGS as readonly unknown[]).includes(d.bounding)) throw new Error(`job data.bounding must be one of ${OVAL_BOUNDINGS.join(', ')}, got ${JSON.stringify(d.bounding)}`);
  return d as OvalJob;
}

/**
 * The verifier a worker thread or process loads by name: `ovalVerifierFor({ dir, cifarDir })`
 * returns a function that checks a job payload and verifies it, reading the OVAL model, the CIFAR-10
 * test images and the pretrained GNN once and each table's instances once.
 */
export function ovalVerifierFor(task?: { dir?: string; cifarDir?: string } | null): (job: unknown) => Promise<OvalRun> {
  for (const key of ['dir', 'cifarDir'] as const) {
    const v = task?.[key];
    if (v !== undefined && typeof v !== 'string') throw new Error(`ovalVerifierFor: task.${key} must be a folder path, got ${JSON.stringify(v)}`);
  }
  const dir = task?.dir;
  let model: ReturnType<typeof readOvalModel> | undefined;
  let test: Promise<OvalTestImages> | undefined;
  let gnn: BranchingGnn | undefined;
  const tables = new Map<OvalSuite, Promise<OvalInstance[]>>();
  return async (data) => {
    const job = checkOvalJob(data);
    model ??= readOvalModel(dir);
    test ??= loadCifar10(task?.cifarDir, { trainBatches: [] }).then((c) => c.test);
    const m = model;
    const testImages = await test;
    if (!tables.has(job.suite)) tables.set(job.suite, ovalInstances(m, job.suite, { dir, testImages }));
    const instance = (await tables.get(job.suite)!).find((i) => i.property.row === job.row);
    if (!instance) throw new Error(`job data.row: the OVAL table ${job.suite} has no row ${job.row}`);
    if (job.rule === 'gnn') gnn ??= loadPretrainedGnn('oval-base');
    return runOvalProperty(m.network, instance.spec, job.row, createOvalRule(job.rule, gnn), job.timeout, undefined, job.bounding);
  };
}

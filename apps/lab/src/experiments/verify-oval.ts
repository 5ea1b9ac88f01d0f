/**
 * `nnlab verify --suite oval-...`: the paper's own CIFAR-10 benchmark (OVAL base model). Measures
 * each property of the suite under each branching rule; {@link judgeOval} and {@link renderOval}
 * (verify-oval-report.ts) compare with the reference's recorded runs and draw the tables.
 */
import { createOvalRule, loadPretrainedGnn, OVAL_BOUNDINGS, OVAL_DEFAULT_BOUNDING, OVAL_RULES, runOvalProperty, type OvalBounding, type OvalProperty, type OvalRuleName, type OvalRun } from '@nnlab/bab-gnn';
import { ovalInstances, readOvalModel, readOvalProperties, type OvalSuite } from '@nnlab/bab-gnn/node';
import type { ExperimentContext } from '../experiment';
import { freshRunId } from '../queue/redis-option';
import { verifyOvalOnQueue } from '../queue/verify-jobs';

/** Command-line suite names and their property tables. */
export const OVAL_SUITE_TABLES: Readonly<Record<string, OvalSuite>> = {
  'oval-base-easy': 'base_easy',
  'oval-base-med': 'base_med',
  'oval-base-hard': 'base_hard',
  'oval-20': 'base_20',
  'oval-100': 'base_100',
};

/** `--suite`: one of the names of {@link OVAL_SUITE_TABLES}. */
export function parseOvalSuite(raw: string): string {
  if (!(raw in OVAL_SUITE_TABLES)) throw new Error(`expected one of ${Object.keys(OVAL_SUITE_TABLES).join(', ')}, got '${raw}'`);
  return raw;
}

/** `--branching`: a comma-separated list of {@link OVAL_RULES}, each at most once. */
export function parseBranchingList(raw: string): string[] {
  const rules = raw.split(',').map((s) => s.trim());
  if (rules.length === 0 || rules.some((r) => !(OVAL_RULES as readonly string[]).includes(r)) || new Set(rules).size !== rules.length) {
    throw new Error(`expected a comma-separated list of ${OVAL_RULES.join(', ')} (each once), got '${raw}'`);
  }
  return rules;
}

/** `--bounding`: one of {@link OVAL_BOUNDINGS}. */
export function parseOvalBounding(raw: string): OvalBounding {
  if (!(OVAL_BOUNDINGS as readonly string[]).includes(raw)) throw new Error(`expected one of ${OVAL_BOUNDINGS.join(', ')}, got '${raw}'`);
  return raw as OvalBounding;
}

/** What one OVAL run measures. */
export interface OvalSettings {
  /** Command-line suite name. */
  suite: string;
  /** First this many properties (undefined: all). */
  limit?: number;
  /** Seconds per property and rule. */
  timeout: number;
  /**
   * CPU seconds of this process per property and rule, besides the wall-clock `timeout`: a limit
   * that does not shrink when other jobs share the cores. Times are then compared in CPU seconds.
   */
  cpuTimeout?: number;
  /** Rules to run. */
  rules: readonly string[];
  /** How each domain's objective is bounded (see `OVAL_BOUNDINGS`; default `OVAL_DEFAULT_BOUNDING`). */
  bounding?: OvalBounding;
  /** OVAL data directory (default: the package, then `$NNLAB_SHARED_DATA/oval-cifar`). */
  dir?: string;
  /** CIFAR-10 directory (default: tensor-gpu's search). */
  cifarDir?: string;
  /** Run the (property, rule) pairs as jobs on a queue in this Redis server (workers read their own data copies). */
  redis?: string;
}

/** One rule's run on one property, with the CPU seconds this process spent on it when measured in-process. */
export type MeasuredOvalRun = OvalRun & { readonly cpuS?: number };

/** The properties that were run and every (property, rule) run. */
export interface OvalMeasurement {
  /** The suite's properties that were run. */
  properties: OvalProperty[];
  /** One run per property and rule. */
  runs: MeasuredOvalRun[];
}

/** Verifies the suite's first properties under every rule, property by property (or as queue jobs with `redis`). */
export async function measureOval(ctx: ExperimentContext, s: OvalSettings): Promise<OvalMeasurement> {
  const table = OVAL_SUITE_TABLES[s.suite];
  const rules = s.rules as OvalRuleName[];
  if (s.redis !== undefined) {
    // A worker process runs several verifier threads: its CPU clock is not one property's.
    if (s.cpuTimeout !== undefined) throw new Error('verify: --cpu-timeout counts the CPU time of this process and cannot be used with --redis (workers run several properties at once)');
    const all = readOvalProperties(table, s.dir);
    const properties = s.limit === undefined ? all : all.slice(0, s.limit);
    const jobs = properties.flatMap((p) => rules.map((rule) => ({ suite: table, row: p.row, rule, timeout: s.timeout, bounding: s.bounding ?? OVAL_DEFAULT_BOUNDING })));
    const runs = await verifyOvalOnQueue(jobs, { redis: s.redis, runId: freshRunId('verify-oval'), log: ctx.log });
    for (const run of runs) ctx.log(`${s.suite} row ${run.row} ${run.rule}: ${run.status} in ${run.timeS.toFixed(1)} s, ${run.branches} branches`);
    return { properties, runs };
  }
  const model = readOvalModel(s.dir);
  const instances = await ovalInstances(model, table, { dir: s.dir, cifarDir: s.cifarDir, limit: s.limit });
  const gnn = rules.includes('gnn') ? loadPretrainedGnn('oval-base') : undefined;
  const runs: MeasuredOvalRun[] = [];
  const bar = ctx.progress(`verify ${s.suite}`, instances.length * rules.length);
  try {
    for (const inst of instances) {
      for (const name of rules) {
        const cpuBefore = process.cpuUsage();
        const run = await runOvalProperty(model.network, inst.spec, inst.property.row, createOvalRule(name, gnn), s.timeout, s.cpuTimeout, s.bounding ?? OVAL_DEFAULT_BOUNDING);
        const used = process.cpuUsage(cpuBefore);
        const cpuS = (used.user + used.system) / 1e6;
        runs.push({ ...run, cpuS });
        ctx.log(`${s.suite} row ${run.row} ${name}: ${run.status} in ${run.timeS.toFixed(1)} s (${cpuS.toFixed(1)} CPU s), ${run.branches} branches`);
        bar.tick();
      }
    }
  } finally {
    bar.done();
    gnn?.dispose();
  }
  const rows = new Set(instances.map((i) => i.property.row));
  return { properties: readOvalProperties(table, s.dir).filter((p) => rows.has(p.row)), runs };
}

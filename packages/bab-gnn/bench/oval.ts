/**
 * OVAL CIFAR benchmark of @nnlab/bab-gnn (Lu & Kumar's base model): the first properties of a
 * table verified with BaBSR, the GNN and (optionally) filtered strong branching, one after the
 * other, next to the verdicts, times and branch counts the reference recorded on the same rows.
 *
 * Run from the package folder: `tsx bench/oval.ts`. Writes `bench/results/oval-<suite>-<timeout>s-<rules>.json`
 * (or `--out=PATH`) after every run and resumes from it (runs already in the file are skipped), so
 * a long run can be stopped and restarted; one process per rule can run side by side. `--report`
 * prints the side-by-side table of every `oval-<suite>-<timeout>s-*.json` file together (only the rows
 * `--limit`, `--from` and `--rows` select, where any of them is given). Options: `--suite=base_easy|base_med|base_hard|base_20|base_100`
 * (default base_easy), `--limit=N` (first N properties, default 10), `--from=K` (skip the first K of them,
 * e.g. a second process on later rows with its own `--out`), `--rows=LIST` (only these table rows of
 * the first N, e.g. `--rows=2,8,9`), `--timeout=S` (wall-clock seconds, default 300),
 * `--cpu-timeout=S` (a limit in CPU seconds of the process instead, so that runs under different
 * loads do the same work; the wall-clock limit is then `--timeout` if given, else 3600 s; files
 * `oval-<suite>-cpu<S>s-<rules>.json`, whose report and ratios count CPU seconds as the time),
 * `--rules=babsr,gnn,strong` (default babsr,gnn), `--strong-candidates=K` (default 8),
 * `--gnn=oval-base|small-random` (the shipped weights the GNN rule uses, default oval-base: trained on
 * this model's base_med properties; the rows record which),
 * `--bounding=alpha|alpha-beta` (the objective bound, see `OVAL_BOUNDINGS`; default alpha-beta;
 * files of `alpha` runs, the default until 2026-12-07, carry no bounding in their name),
 * `--dir=PATH` (OVAL data), `--cifar=PATH` (CIFAR-10), `--out=PATH`, `--fresh`, `--report`.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { compareOval, createOvalRule, loadPretrainedGnn, OVAL_BOUNDINGS, OVAL_DEFAULT_BOUNDING, OVAL_RULES, PRETRAINED_GNNS, runOvalProperty, type OvalBounding, type OvalComparison, type OvalRuleName, type OvalRun, type PretrainedGnnName } from '../src/index';
import { OVAL_SUITES, ovalInstances, readOvalModel, readOvalProperties, type OvalSuite } from '../src/node';
import { median, textTable } from '../../../scripts/bench-report';
import { gitCommit } from './commit';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: readonly string[]) {
  const args = { suite: 'base_easy' as OvalSuite, limit: 10, from: 0, rows: null as number[] | null, timeout: NaN, cpuTimeout: undefined as number | undefined, rules: ['babsr', 'gnn'] as string[], strongCandidates: 8, gnn: 'oval-base' as PretrainedGnnName, bounding: OVAL_DEFAULT_BOUNDING as OvalBounding, dir: undefined as string | undefined, cifar: undefined as string | undefined, out: '', fresh: false, report: false, selected: false };
  for (const a of argv) {
    const [key, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, ''];
    if (['--limit', '--from', '--rows'].includes(key)) args.selected = true;
    if (key === '--suite') args.suite = value as OvalSuite;
    else if (key === '--limit') args.limit = Number(value);
    else if (key === '--from') args.from = Number(value);
    else if (key === '--timeout') args.timeout = Number(value);
    else if (key === '--cpu-timeout') args.cpuTimeout = Number(value);
    else if (key === '--rows') args.rows = value.split(',').map(Number);
    else if (key === '--rules') args.rules = value.split(',');
    else if (key === '--strong-candidates') args.strongCandidates = Number(value);
    else if (key === '--gnn') args.gnn = value as PretrainedGnnName;
    else if (key === '--bounding') args.bounding = value as OvalBounding;
    else if (key === '--dir') args.dir = value;
    else if (key === '--cifar') args.cifar = value;
    else if (key === '--out') args.out = value;
    else if (key === '--fresh') args.fresh = true;
    else if (key === '--report') args.report = true;
    else throw new Error(`bench: unknown option ${a} (see the comment at the top of bench/oval.ts)`);
  }
  if (!OVAL_SUITES.includes(args.suite)) throw new Error(`bench: --suite must be one of ${OVAL_SUITES.join(', ')}`);
  if (!(Number.isInteger(args.limit) && args.limit > 0)) throw new Error('bench: --limit must be an integer > 0');
  if (!(Number.isInteger(args.from) && args.from >= 0 && args.from < args.limit)) throw new Error('bench: --from must be an integer >= 0 and below --limit');
  if (Number.isNaN(args.timeout)) args.timeout = args.cpuTimeout !== undefined ? 3600 : 300;
  if (!(args.timeout > 0)) throw new Error('bench: --timeout must be > 0');
  if (args.cpuTimeout !== undefined && !(args.cpuTimeout > 0)) throw new Error('bench: --cpu-timeout must be a number of seconds > 0');
  if (args.rows && !args.rows.every((r) => Number.isInteger(r) && r >= 0)) throw new Error('bench: --rows must list table rows (integers >= 0), e.g. --rows=2,8,9');
  if (!args.rules.every((r) => (OVAL_RULES as readonly string[]).includes(r))) throw new Error(`bench: --rules must list ${OVAL_RULES.join(', ')}`);
  if (!OVAL_BOUNDINGS.includes(args.bounding)) throw new Error(`bench: --bounding must be one of ${OVAL_BOUNDINGS.join(', ')}`);
  if (!PRETRAINED_GNNS.includes(args.gnn)) throw new Error(`bench: --gnn must be one of ${PRETRAINED_GNNS.join(', ')}`);
  if (!(Number.isInteger(args.strongCandidates) && args.strongCandidates > 0)) throw new Error('bench: --strong-candidates must be an integer > 0');
  return args;
}

/** A bench row: the run plus when and under which load it ran. */
interface BenchRow extends OvalRun {
  /** CPU seconds of the process during the run (the machine is shared: wall time includes waiting). */
  readonly cpuS: number;
  /** One-minute load average when the run ended. */
  readonly load: number;
  /** The commit of the code that ran it. */
  readonly commit: string;
  /** The shipped GNN weights the `gnn` rule used (absent on older rows: `small-random`). */
  readonly gnnWeights?: PretrainedGnnName;
  /** The limit in CPU seconds the search ran under (absent: wall-clock limit only). */
  readonly cpuTimeoutS?: number;
}

/** The rows as {@link compareOval} counts them: with a CPU limit, CPU seconds are the time. */
function compared(properties: Parameters<typeof compareOval>[0], rows: readonly BenchRow[], timeout: number, cpuTimeout: number | undefined): OvalComparison {
  if (cpuTimeout === undefined) return compareOval(properties, rows, timeout);
  return compareOval(properties, rows.map((r) => ({ ...r, timeS: r.cpuS })), cpuTimeout, { solvedByVerdict: true });
}

/** Per rule: median wall time, branches and CPU time of our runs. */
function medians(rows: readonly BenchRow[]): Record<string, { timeS: number; branches: number; cpuS: number }> {
  const rules = [...new Set(rows.map((r) => r.rule))];
  return Object.fromEntries(rules.map((rule) => {
    const own = rows.filter((r) => r.rule === rule);
    return [rule, { timeS: median(own.map((r) => r.timeS)), branches: median(own.map((r) => r.branches)), cpuS: median(own.map((r) => r.cpuS)) }];
  }));
}

const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The side-by-side table as text. */
export function comparisonTable(c: OvalComparison, timeout: number, unit = 's'): string {
  const rows: string[][] = [];
  for (const [rule, s] of Object.entries(c.ours)) rows.push([`ours: ${rule}`, `${s.solved}/${s.properties}`, String(s.timeouts), f(s.meanTimeS), f(s.meanBranches)]);
  for (const [rule, s] of Object.entries(c.reference)) rows.push([`reference: ${rule} (cut at ${timeout} s)`, `${s.solved}/${s.properties}`, String(s.timeouts), f(s.meanTimeS), f(s.meanBranches)]);
  const ratio = (label: string, r: OvalComparison['referenceRatio'] | undefined) => (r ? `${label}: GNN/BaBSR on ${r.bothSolved} both solved: time ${f(r.time, 3)}, branches ${f(r.branches, 3)}` : `${label}: —`);
  return `${textTable(['method', 'solved', 'timeouts', `mean time (${unit})`, 'mean branches (solved)'], rows)}\n${ratio('ours', c.oursRatio)}\n${ratio('reference', c.referenceRatio)}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await t.setBackend('cpu');
  const limit = args.cpuTimeout !== undefined ? args.cpuTimeout : args.timeout;
  const prefix = `oval-${args.suite}-${args.cpuTimeout !== undefined ? `cpu${args.cpuTimeout}` : args.timeout}s-${args.bounding === 'alpha' ? '' : `${args.bounding}-`}`;
  const out = args.out || join(BENCH_DIR, 'results', `${prefix}${args.rules.join('-')}.json`);
  const previous = !args.fresh && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null;
  if (previous && (previous.bounding ?? 'alpha') !== args.bounding) throw new Error(`bench: ${out} holds runs with --bounding=${previous.bounding ?? 'alpha'}, not ${args.bounding} (use --fresh or --out)`);
  if (previous && (previous.timeout !== args.timeout || previous.cpuTimeout !== args.cpuTimeout)) throw new Error(`bench: ${out} holds runs with timeout ${previous.timeout} s and CPU timeout ${previous.cpuTimeout ?? 'none'}, not ${args.timeout} s and ${args.cpuTimeout ?? 'none'} (use --fresh or --out)`);
  const properties = readOvalProperties(args.suite, args.dir);
  // A report covers every row of the files unless --limit, --from or --rows name the rows to show.
  const shown = args.selected ? new Set(properties.slice(args.from, args.limit).map((p) => p.row).filter((r) => !args.rows || args.rows.includes(r))) : null;
  const rows: BenchRow[] = args.report
    ? readdirSync(join(BENCH_DIR, 'results'))
        .filter((n) => n.startsWith(prefix) && n.endsWith('.json'))
        .map((n) => JSON.parse(readFileSync(join(BENCH_DIR, 'results', n), 'utf8')))
        // Files of the other boundings share the prefix of the default one.
        .filter((file) => (file.bounding ?? 'alpha') === args.bounding)
        .flatMap((file) => file.rows as BenchRow[])
        .filter((r) => !shown || shown.has(r.row))
    : (previous?.rows ?? []);
  const report = () => {
    const c = compared(properties, rows, args.timeout, args.cpuTimeout);
    const each = args.cpuTimeout !== undefined ? `${args.cpuTimeout} CPU s each (times below are CPU seconds; the reference's are its own wall times)` : `${args.timeout} s each`;
    console.log(`\nOVAL ${args.suite}, ${new Set(rows.map((r) => r.row)).size} properties, ${each} (load now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; median load during runs ${f(median(rows.map((r) => r.load)))})`);
    console.log(comparisonTable(c, limit, args.cpuTimeout !== undefined ? 'CPU s' : 's'));
    for (const [rule, m] of Object.entries(medians(rows))) console.log(`ours: ${rule}: median time ${f(m.timeS)} s, median branches ${f(m.branches, 0)}, median CPU ${f(m.cpuS)} s per property`);
    return c;
  };
  if (args.report) {
    report();
    return;
  }
  const model = readOvalModel(args.dir);
  const instances = await ovalInstances(model, args.suite, { dir: args.dir, cifarDir: args.cifar, limit: args.limit });
  const commit = gitCommit();
  const gnn = args.rules.includes('gnn') ? loadPretrainedGnn(args.gnn) : null;
  const save = async () => {
    const comparison = compared(properties, rows, args.timeout, args.cpuTimeout);
    const meta = { suite: args.suite, bounding: args.bounding, timeout: args.timeout, ...(args.cpuTimeout !== undefined ? { cpuTimeout: args.cpuTimeout } : {}), strongCandidates: args.strongCandidates, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, medianLoad: median(rows.map((r) => r.load)) };
    await writeFile(`${out}.tmp`, `${JSON.stringify({ ...meta, comparison, medians: medians(rows), rows }, null, 1)}\n`);
    await rename(`${out}.tmp`, out);
  };
  try {
    for (const inst of instances.slice(args.from).filter((i) => !args.rows || args.rows.includes(i.property.row))) {
      for (const name of args.rules) {
        const done = rows.find((r) => r.row === inst.property.row && r.rule === name);
        if (done && name === 'gnn' && (done.gnnWeights ?? 'small-random') !== args.gnn) throw new Error(`bench: ${out} holds GNN runs with the ${done.gnnWeights ?? 'small-random'} weights, not ${args.gnn} (use --out or move the file)`);
        if (done) continue;
        const cpu0 = process.cpuUsage();
        const run = await runOvalProperty(model.network, inst.spec, inst.property.row, createOvalRule(name as OvalRuleName, gnn ?? undefined, args.strongCandidates), args.timeout, args.cpuTimeout, args.bounding);
        const cpu = process.cpuUsage(cpu0);
        rows.push({ ...run, cpuS: (cpu.user + cpu.system) / 1e6, load: loadavg()[0], commit, ...(name === 'gnn' ? { gnnWeights: args.gnn } : {}), ...(args.cpuTimeout !== undefined ? { cpuTimeoutS: args.cpuTimeout } : {}) });
        const ref = inst.property.recorded[name === 'strong' ? 'babsr' : (name as 'babsr' | 'gnn')];
        console.log(`row ${inst.property.row} ${name}: ${run.status} in ${run.timeS.toFixed(1)} s (CPU ${rows[rows.length - 1].cpuS.toFixed(1)} s), ${run.branches} branches (reference ${name === 'strong' ? 'babsr' : name}: ${ref.verdict} in ${f(ref.timeS ?? NaN)} s, ${ref.branches ?? '—'} branches); load ${loadavg()[0].toFixed(1)}`);
        await save();
      }
    }
  } finally {
    gnn?.dispose();
  }
  report();
}

await main();

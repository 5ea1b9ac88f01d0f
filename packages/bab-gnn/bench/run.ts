/**
 * ACAS Xu benchmark of @nnlab/bab-gnn: the VNN-COMP 2021 instances (φ1–φ4 on all 45 networks plus
 * φ5–φ10, 186 in all) verified one after the other with a per-instance timeout; prints a table of
 * verdicts and times, counts solved instances and wrong verdicts (against the data README), and
 * compares with the published VNN-COMP numbers.
 *
 * Run from the package folder: `pnpm bench` (`tsx bench/run.ts`). Writes
 * `bench/results/acasxu-<set>-<timeout>s.json` (or `--out=PATH`) after every instance, and resumes
 * from it: instances already in the file are not run again, so a long run can be stopped and
 * restarted. Options: `--instances=all|readme|quick` (default all), `--properties=5,6,7` (only
 * these), `--timeout=S` (default 116), `--limit=N` (first N instances), `--dir=PATH`, `--out=PATH`,
 * `--fresh` (ignore an existing file), `--order=file|spread` (spread: every ninth instance first,
 * so that a partial run samples every property), `--report` (only print the tables of the file),
 * `--workers=N` (instances verified in parallel, one process each; default 2, the cores of the
 * machine this was written for), `--rerun-branches=B` (run again the instances of the file that
 * bounded at least B children or ended unsolved: after a change that only affects longer searches). Each row's time is its own instance's wall and CPU time; the
 * file also sums the wall time of the whole run (`runWallS`, over resumed sessions), which is
 * what parallel workers shorten.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acasXuDataDir, acasXuInstances, expectedAcasXuVerdict } from '../src/node';
import type { WorkerJob, WorkerResult } from './verify-worker';
import { median, textTable } from '../../../scripts/bench-report';
import { gitCommit } from './commit';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** Published summed runtimes (VNN-COMP results repositories, 186 instances at 116 s, their machines). */
const PUBLISHED = [
  ['nnenum (VNN-COMP 2021)', '186', '≈285'],
  ['VeriNet (VNN-COMP 2021)', '186', '≈686'],
  ['α,β-CROWN (VNN-COMP 2021)', '186', '≈2077'],
  ['nnenum (VNN-COMP 2022)', '—', '≈356'],
  ['α,β-CROWN (VNN-COMP 2022)', '—', '≈1728'],
];

function parseArgs(argv: readonly string[]) {
  const args = { instances: 'all', timeout: 116, limit: Infinity, dir: acasXuDataDir(), properties: null as number[] | null, out: '', fresh: false, order: 'file', report: false, workers: 2, rerunBranches: Infinity };
  for (const a of argv) {
    if (a.startsWith('--workers=')) args.workers = Number(a.slice(10));
    else if (a.startsWith('--rerun-branches=')) args.rerunBranches = Number(a.slice(17));
    else
    if (a.startsWith('--order=')) args.order = a.slice(8);
    else if (a === '--report') args.report = true;
    else
    if (a.startsWith('--instances=')) args.instances = a.slice(12);
    else if (a.startsWith('--properties=')) args.properties = a.slice(13).split(',').map(Number);
    else if (a.startsWith('--out=')) args.out = a.slice(6);
    else if (a === '--fresh') args.fresh = true;
    else if (a.startsWith('--timeout=')) args.timeout = Number(a.slice(10));
    else if (a.startsWith('--limit=')) args.limit = Number(a.slice(8));
    else if (a.startsWith('--dir=')) args.dir = a.slice(6);
    else throw new Error(`bench: unknown option ${a} (expected --instances=all|readme|quick, --properties=P,..., --timeout=S, --limit=N, --dir=PATH, --out=PATH, --fresh, --order=file|spread, --report, --workers=N, --rerun-branches=B)`);
  }
  if (!['file', 'spread'].includes(args.order)) throw new Error(`bench: --order must be file or spread, got ${args.order}`);
  if (!['all', 'readme', 'quick'].includes(args.instances)) throw new Error(`bench: --instances must be all, readme or quick, got ${args.instances}`);
  if (!(args.timeout > 0)) throw new Error(`bench: --timeout must be > 0, got ${args.timeout}`);
  if (!(args.rerunBranches >= 0)) throw new Error(`bench: --rerun-branches must be ≥ 0, got ${args.rerunBranches}`);
  if (!(Number.isInteger(args.workers) && args.workers >= 1)) throw new Error(`bench: --workers must be an integer ≥ 1, got ${args.workers}`);
  if (!(args.limit > 0)) throw new Error(`bench: --limit must be > 0, got ${args.limit}`);
  if (args.properties && !args.properties.every((p) => Number.isInteger(p) && p >= 1 && p <= 10)) throw new Error('bench: --properties must list numbers 1..10');
  return args;
}

interface BenchRow {
  x: number;
  y: number;
  property: number;
  expected: string | null;
  status: string;
  wrong: boolean;
  /** Wall time of the instance: reading the files, the attacks and the search. */
  timeS: number;
  /** CPU time of the process during the instance (the machine is shared: wall time includes waiting). */
  cpuS: number;
  branches: number;
  /** One-minute load average of the machine when the instance ended. */
  load: number;
  /** The commit of the code that ran it (a resumed file may hold rows of several). */
  commit: string;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let instances = acasXuInstances();
  if (args.instances === 'readme') instances = instances.filter((i) => expectedAcasXuVerdict(i) !== undefined);
  if (args.instances === 'quick') instances = [{ x: 1, y: 5, property: 1 }, { x: 2, y: 5, property: 3 }, { x: 2, y: 1, property: 2 }, { x: 1, y: 7, property: 3 }];
  if (args.properties) instances = instances.filter((i) => args.properties?.includes(i.property));
  // 'spread': every ninth instance first, then the next ninth, ...: a partial run samples all properties and networks.
  if (args.order === 'spread') instances = instances.map((inst, i) => ({ inst, i })).sort((a, b) => (a.i % 9) - (b.i % 9) || a.i - b.i).map((e) => e.inst);
  instances = instances.slice(0, args.limit);
  const commit = gitCommit();
  const out = args.out || join(BENCH_DIR, 'results', `acasxu-${args.instances}-${args.timeout}s.json`);
  const previous = !args.fresh && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null;
  if (previous && previous.timeout !== args.timeout) throw new Error(`bench: ${out} holds a run with timeout ${previous.timeout} s, not ${args.timeout} s (use --fresh or --out)`);
  // Rows of searches that bounded at least --rerun-branches children, or ended unsolved, are run
  // again (after a change that only affects longer searches).
  const rows: BenchRow[] = (previous?.rows ?? []).filter((r: BenchRow) => r.branches < args.rerunBranches && (r.status === 'holds' || r.status === 'violated' || args.rerunBranches === Infinity));
  let runWallS: number = previous?.runWallS ?? 0;
  const done = (i: { x: number; y: number; property: number }) => rows.some((r) => r.x === i.x && r.y === i.y && r.property === i.property);
  // Workers finish concurrently: writes are chained so that one file write ends before the next.
  let saved: Promise<void> = Promise.resolve();
  const save = () => (saved = saved.then(write));
  const write = async () => {
    const solved = rows.filter((r) => r.status === 'holds' || r.status === 'violated');
    const loads = rows.map((r) => r.load);
    const summary = { solved: solved.length, total: rows.length, wrong: rows.filter((r) => r.wrong).length, totalTimeS: rows.reduce((a, r) => a + r.timeS, 0), totalCpuS: rows.reduce((a, r) => a + r.cpuS, 0), medianTimeS: median(rows.map((r) => r.timeS)), medianCpuS: median(rows.map((r) => r.cpuS)), load: { min: Math.min(...loads), median: median(loads), max: Math.max(...loads) } };
    const text = `${JSON.stringify({ machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, timeout: args.timeout, instances: args.instances, workers: args.workers, runWallS, ...summary, rows }, null, 1)}\n`;
    await writeFile(`${out}.tmp`, text);
    await rename(`${out}.tmp`, out);
  };
  const pending = args.report ? [] : instances.filter((inst) => !done(inst));
  const runStart = performance.now();
  const previousWall: number = previous?.runWallS ?? 0;
  const record = async (r: WorkerResult) => {
    const inst = { x: r.job.x, y: r.job.y, property: r.job.property };
    const expected = expectedAcasXuVerdict(inst) ?? null;
    const decided = r.status === 'holds' || r.status === 'violated';
    const row = { ...inst, expected, status: r.status, wrong: decided && expected !== null && expected !== r.status, timeS: r.timeS, cpuS: r.cpuS, branches: r.branches, load: r.load, commit };
    rows.push(row);
    runWallS = previousWall + (performance.now() - runStart) / 1000;
    await save();
    console.log(`N${inst.x},${inst.y} φ${inst.property}: ${r.status}${expected ? ` (expected ${expected})` : ''} ${row.timeS.toFixed(1)} s (cpu ${row.cpuS.toFixed(1)} s), ${row.branches} branches, load ${row.load.toFixed(1)}`);
  };
  // Worker processes, each taking the next pending instance when it is done with one.
  const worker = join(BENCH_DIR, 'verify-worker.ts');
  await Promise.all(Array.from({ length: Math.min(args.workers, pending.length) }, async () => {
    const child: ChildProcess = fork(worker, [], { execArgv: process.execArgv, stdio: 'inherit' });
    const next = () => new Promise<WorkerResult | 'ready'>((resolve, reject) => {
      child.once('message', (m) => resolve(m as WorkerResult | 'ready'));
      child.once('exit', (code) => reject(new Error(`bench: a worker exited with code ${code}`)));
    });
    await next(); // 'ready'
    for (let inst = pending.shift(); inst; inst = pending.shift()) {
      const job: WorkerJob = { ...inst, dir: args.dir, timeout: args.timeout };
      child.send(job);
      const r = await next();
      child.removeAllListeners('exit');
      if (r !== 'ready') await record(r);
    }
    child.kill();
  }));
  const solved = rows.filter((r) => r.status === 'holds' || r.status === 'violated');
  const wrong = rows.filter((r) => r.wrong).length;
  const solvedTime = solved.reduce((a, r) => a + r.timeS, 0);
  const totalTime = rows.reduce((a, r) => a + r.timeS, 0);
  const totalCpu = rows.reduce((a, r) => a + r.cpuS, 0);
  console.log('');
  console.log(textTable(['property', 'instances', 'holds', 'violated', 'timeout/unknown', 'wrong', 'time (s)', 'median (s)'], [...new Set(rows.map((r) => r.property))].sort((a, b) => a - b).map((p) => {
    const of = rows.filter((r) => r.property === p);
    const s = of.filter((r) => r.status === 'holds' || r.status === 'violated');
    return [`φ${p}`, String(of.length), String(of.filter((r) => r.status === 'holds').length), String(of.filter((r) => r.status === 'violated').length), String(of.length - s.length), String(of.filter((r) => r.wrong).length), of.reduce((a, r) => a + r.timeS, 0).toFixed(1), median(of.map((r) => r.timeS)).toFixed(2)];
  })));
  console.log('');
  console.log(textTable(['verifier', 'solved', 'time (s)'], [[`bab-gnn (this CPU, timeout ${args.timeout} s)`, `${solved.length}/${rows.length}`, `${solvedTime.toFixed(0)} on solved, ${totalTime.toFixed(0)} summed over instances (cpu ${totalCpu.toFixed(0)}), ${runWallS.toFixed(0)} wall for the run, median ${median(rows.map((r) => r.timeS)).toFixed(2)}`], ...PUBLISHED]));
  console.log(`wrong verdicts: ${wrong}`);
  // One line to compare runs by (e.g. a rerun on a quieter machine).
  console.log(`summary: solved ${solved.length}/${rows.length}, wrong ${wrong}, run wall ${runWallS.toFixed(0)} s, median ${median(rows.map((r) => r.timeS)).toFixed(2)} s wall / ${median(rows.map((r) => r.cpuS)).toFixed(2)} s cpu per instance, cpu total ${totalCpu.toFixed(0)} s, load ${rows.length ? `${Math.min(...rows.map((r) => r.load)).toFixed(1)}–${Math.max(...rows.map((r) => r.load)).toFixed(1)} (median ${median(rows.map((r) => r.load)).toFixed(1)})` : '—'}, workers ${args.workers}`);
  if (!args.report) console.log(`wrote ${out}`);
}

await main();

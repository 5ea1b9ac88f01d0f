/**
 * ACAS Xu benchmark of @nnlab/bab-gnn: the VNN-COMP 2021 instances (φ1–φ4 on all 45 networks plus
 * φ5–φ10, 186 in all) verified one after the other with a per-instance timeout; prints a table of
 * verdicts and times, counts solved instances and wrong verdicts (against the data README), and
 * compares with the published VNN-COMP numbers.
 *
 * Run from the package folder: `pnpm bench` (`tsx bench/run.ts`). Writes
 * `bench/results/acasxu-<set>-<timeout>s.json`. Options: `--instances=all|readme|quick` (default
 * all), `--timeout=S` (default 116), `--limit=N` (first N instances), `--dir=PATH`.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { verify } from '../src/index';
import { acasXuDataDir, acasXuInstances, expectedAcasXuVerdict, readAcasXuNetwork, readAcasXuProperty } from '../src/node';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** Published numbers quoted in the spec (VNN-COMP 2021, 186 instances, their machines). */
const PUBLISHED = [
  ['nnenum', '186', '≈285'],
  ['VeriNet', '186', '≈686'],
  ['α,β-CROWN', '186', '≈2077'],
];

function parseArgs(argv: readonly string[]) {
  const args = { instances: 'all', timeout: 116, limit: Infinity, dir: acasXuDataDir() };
  for (const a of argv) {
    if (a.startsWith('--instances=')) args.instances = a.slice(12);
    else if (a.startsWith('--timeout=')) args.timeout = Number(a.slice(10));
    else if (a.startsWith('--limit=')) args.limit = Number(a.slice(8));
    else if (a.startsWith('--dir=')) args.dir = a.slice(6);
    else throw new Error(`bench: unknown option ${a} (expected --instances=all|readme|quick, --timeout=S, --limit=N, --dir=PATH)`);
  }
  if (!['all', 'readme', 'quick'].includes(args.instances)) throw new Error(`bench: --instances must be all, readme or quick, got ${args.instances}`);
  if (!(args.timeout > 0)) throw new Error(`bench: --timeout must be > 0, got ${args.timeout}`);
  if (!(args.limit > 0)) throw new Error(`bench: --limit must be > 0, got ${args.limit}`);
  return args;
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

interface BenchRow {
  x: number;
  y: number;
  property: number;
  expected: string | null;
  status: string;
  wrong: boolean;
  timeS: number;
  branches: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await t.setBackend('cpu');
  let instances = acasXuInstances();
  if (args.instances === 'readme') instances = instances.filter((i) => expectedAcasXuVerdict(i) !== undefined);
  if (args.instances === 'quick') instances = [{ x: 1, y: 5, property: 1 }, { x: 2, y: 5, property: 3 }, { x: 2, y: 1, property: 2 }, { x: 1, y: 7, property: 3 }];
  instances = instances.slice(0, args.limit);
  const rows: BenchRow[] = [];
  for (const inst of instances) {
    const net = readAcasXuNetwork(args.dir, inst.x, inst.y).network;
    const spec = readAcasXuProperty(args.dir, inst.property);
    const r = await verify(net, spec, { timeout: args.timeout });
    const expected = expectedAcasXuVerdict(inst) ?? null;
    const decided = r.status === 'holds' || r.status === 'violated';
    const row = { ...inst, expected, status: r.status, wrong: decided && expected !== null && expected !== r.status, timeS: r.stats.timeMs / 1000, branches: r.stats.branches };
    rows.push(row);
    console.log(`N${inst.x},${inst.y} φ${inst.property}: ${r.status}${expected ? ` (expected ${expected})` : ''} ${row.timeS.toFixed(1)} s, ${row.branches} branches`);
  }
  const solved = rows.filter((r) => r.status === 'holds' || r.status === 'violated');
  const wrong = rows.filter((r) => r.wrong).length;
  const solvedTime = solved.reduce((a, r) => a + r.timeS, 0);
  const totalTime = rows.reduce((a, r) => a + r.timeS, 0);
  console.log('');
  console.log(textTable(['property', 'instances', 'holds', 'violated', 'timeout', 'time solved (s)'], [...new Set(rows.map((r) => r.property))].map((p) => {
    const of = rows.filter((r) => r.property === p);
    const s = of.filter((r) => r.status === 'holds' || r.status === 'violated');
    return [`φ${p}`, String(of.length), String(of.filter((r) => r.status === 'holds').length), String(of.filter((r) => r.status === 'violated').length), String(of.length - s.length), s.reduce((a, r) => a + r.timeS, 0).toFixed(1)];
  })));
  console.log('');
  console.log(textTable(['verifier', 'solved', 'time (s)'], [[`bab-gnn (this CPU, timeout ${args.timeout} s)`, `${solved.length}/${rows.length}`, `${solvedTime.toFixed(0)} on solved, ${totalTime.toFixed(0)} total`], ...PUBLISHED]));
  console.log(`wrong verdicts: ${wrong}`);
  const out = join(BENCH_DIR, 'results', `acasxu-${args.instances}-${args.timeout}s.json`);
  await writeFile(out, `${JSON.stringify({ machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, timeout: args.timeout, instances: args.instances, solved: solved.length, total: rows.length, wrong, solvedTimeS: solvedTime, totalTimeS: totalTime, rows }, null, 1)}\n`);
  console.log(`wrote ${out}`);
}

await main();

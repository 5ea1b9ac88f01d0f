/**
 * Benchmark of @nnlab/tensor-gpu against the tfjs anchors (tfjs-core 4.22.0 on `cpu` and `wasm`),
 * in one process: matmul and LeNet conv2d forward GFLOP/s, elementwise add GB/s, then the fp16
 * host round trip of `bench/fp16-host.ts` when that file exists.
 *
 * Run from the package folder with `xvfb-run -a pnpm bench` (headlessgl needs a display; without
 * one, the cpu and webasm backends run alone). Prints one table per case group and writes
 * `bench/results/tensor-gpu.json`. Options: `--quick` (3 short repetitions, a smoke test that
 * writes `tensor-gpu.quick.json` instead), `--only=matmul,conv2d,add`, `--no-fp16`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { availableBackends, type BackendName } from '../src/index';
import { allCases, type BenchCase, type CaseGroup } from './cases';
import { tensorGpuImpl, type Impl, type Prepared } from './impls';
import { check } from './reference';
import { BUSY_CORES, groupTable, machineInfo, markdownTable, writeJson, type ResultRow } from './report';
import { initTfjs, tfjsImpl } from './tfjs';
import { DEFAULT_TIMING, loadAverage, loadAverageLine, startCpuMeter, timeCalls, warmUp, type TimingOptions } from './timing';

/** Relative error allowed against the float64 reference (of the reference's max |value|). */
const TOLERANCE = 1e-5;

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

const GROUP_TITLES: Record<CaseGroup, string> = {
  matmul: 'matmul [M,N]·[N,P], GFLOP/s = 2·M·N·P / time (read-back included)',
  conv2d: 'conv2d forward, batch 32, 5×5, stride 1, same padding (tensor-gpu NCHW, tfjs NHWC); GFLOP/s = 2·N·Ho·Wo·Co·25·Ci / time',
  add: 'elementwise add, GB/s = 3 × 4 bytes × n / time (read-back included)',
};

interface Args {
  quick: boolean;
  only: CaseGroup[] | null;
  fp16: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: null, fp16: true };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--no-fp16') args.fp16 = false;
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',').filter(Boolean) as CaseGroup[];
    else throw new Error(`bench: unknown option ${a} (expected --quick, --only=matmul,conv2d,add or --no-fp16)`);
  }
  return args;
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

function emptyRow(impl: Impl, c: BenchCase): ResultRow {
  return {
    group: c.group, size: c.label, impl: impl.name, library: impl.library, backend: impl.backend, unit: c.unit, work: c.work,
    rate: null, msPerCall: null, firstCallMs: null, reps: null, callsPerRep: null, repMsPerCall: null,
    relErr: null, correct: null, ratioVsTfjsWasm: null, ratioVsTfjsCpu: null,
    otherLoadCores: null, ownCores: null, loadavg1: [null, null], memoryDelta: null, skipped: false, note: null,
  };
}

/** The last measured case per implementation and group, to predict the time of the next, larger one. */
const lastMeasured = new Map<string, { work: number; ms: number }>();

async function runOne(impl: Impl, c: BenchCase, timing: TimingOptions): Promise<ResultRow> {
  const row = emptyRow(impl, c);
  row.loadavg1[0] = loadAverage()?.[0] ?? null;
  const stopMeter = startCpuMeter();
  const finish = (): ResultRow => {
    const use = stopMeter();
    row.otherLoadCores = use.otherCores;
    row.ownCores = use.ownCores;
    row.loadavg1[1] = loadAverage()?.[0] ?? null;
    return row;
  };

  const key = `${impl.name}|${c.group}`;
  const last = lastMeasured.get(key);
  if (last && c.work > last.work) {
    const predicted = (last.ms * c.work) / last.work;
    if (predicted > timing.skipCallMs) {
      row.skipped = true;
      row.note = `skipped: ~${(predicted / 1000).toFixed(0)} s per call expected (scaled from ${last.ms.toFixed(0)} ms on a smaller case) > ${timing.skipCallMs / 1000} s`;
      return finish();
    }
  }

  let prepared: Prepared;
  try {
    prepared = await impl.prepare(c);
  } catch (e) {
    row.skipped = true;
    row.note = `failed to prepare: ${(e as Error).message}`;
    return finish();
  }
  try {
    const before = impl.memory();
    const w = await warmUp(() => prepared.first());
    row.firstCallMs = w.ms;
    const chk = check(w.value, prepared.reference(), TOLERANCE);
    row.relErr = chk.relErr;
    row.correct = chk.ok;
    if (w.ms > timing.skipCallMs) {
      row.skipped = true;
      row.note = `skipped: one call took ${(w.ms / 1000).toFixed(1)} s > ${timing.skipCallMs / 1000} s`;
      return finish();
    }
    const tm = await timeCalls(prepared.call, w.ms, timing);
    const after = impl.memory();
    row.memoryDelta = { tensors: after.tensors - before.tensors, bytes: after.bytes - before.bytes };
    row.msPerCall = tm.msPerCall;
    row.reps = tm.reps;
    row.callsPerRep = tm.callsPerRep;
    row.repMsPerCall = tm.repMsPerCall.map((v) => Number(v.toPrecision(5)));
    row.rate = c.work / (tm.msPerCall * 1e-3) / 1e9;
    lastMeasured.set(key, { work: c.work, ms: tm.msPerCall });
    const notes: string[] = [];
    if (!chk.ok) notes.push(`WRONG RESULT: relative error ${chk.relErr.toExponential(2)} > ${TOLERANCE}`);
    if (row.memoryDelta.tensors !== 0 || row.memoryDelta.bytes !== 0) notes.push(`memory grew by ${row.memoryDelta.tensors} tensors / ${row.memoryDelta.bytes} bytes`);
    if (tm.reps < timing.reps) notes.push(`${tm.reps} repetitions (slower than ${timing.slowCallMs / 1000} s per call)`);
    row.note = notes.length > 0 ? notes.join('; ') : null;
  } catch (e) {
    row.skipped = true;
    row.note = `failed: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    prepared.dispose();
  }
  return finish();
}

function fillRatios(rows: ResultRow[]): void {
  const wasm = rows.find((r) => r.library === 'tfjs' && r.backend === 'wasm' && r.rate !== null);
  const cpu = rows.find((r) => r.library === 'tfjs' && r.backend === 'cpu' && r.rate !== null);
  for (const r of rows) {
    if (r.rate === null) continue;
    r.ratioVsTfjsWasm = wasm?.rate ? r.rate / wasm.rate : null;
    r.ratioVsTfjsCpu = cpu?.rate ? r.rate / cpu.rate : null;
  }
}

async function runFp16(): Promise<{ rows: Array<Record<string, unknown>> | null; note: string | null; otherLoadCores: number | null; seconds: number }> {
  const file = join(BENCH_DIR, 'fp16-host.ts');
  if (!existsSync(file)) return { rows: null, note: 'skipped: bench/fp16-host.ts does not exist', otherLoadCores: null, seconds: 0 };
  const stop = startCpuMeter();
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.runFp16HostBench !== 'function') return { rows: null, note: 'skipped: bench/fp16-host.ts exports no runFp16HostBench()', otherLoadCores: null, seconds: 0 };
    const rows = (await mod.runFp16HostBench()) as Array<Record<string, unknown>>;
    const use = stop();
    return { rows, note: null, otherLoadCores: use.otherCores, seconds: use.wallS };
  } catch (e) {
    const use = stop();
    return { rows: null, note: `failed: ${(e as Error).message}`, otherLoadCores: use.otherCores, seconds: use.wallS };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const timing: TimingOptions = args.quick ? { ...DEFAULT_TIMING, reps: 3, minBatchMs: 10, slowReps: 1 } : DEFAULT_TIMING;
  const started = performance.now();
  const machine = machineInfo();
  const loadBefore = loadAverageLine();
  const stopTotal = startCpuMeter();
  log(`tensor-gpu benchmark — ${machine.date}`);
  log(`node ${machine.node} (V8 ${machine.v8}), ${machine.platform}, ${machine.cpuCount} × ${machine.cpuModel}`);
  log(`load average before: ${loadBefore ?? 'n/a'}${args.quick ? '  [--quick: NOT the protocol, smoke test only]' : ''}`);

  // tensor-gpu backends: every one available here, slowest first.
  const tgBackends: BackendName[] = [...(await availableBackends())].reverse();
  const tfInfo = await initTfjs();
  log(`tensor-gpu backends: ${tgBackends.join(', ')}${machine.display ? '' : ' (no DISPLAY: run under xvfb-run -a for headlessgl)'}`);
  log(`tfjs-core ${tfInfo.version} backends: ${tfInfo.backends.join(', ')}; wasm SIMD ${tfInfo.wasmSimd}, threads ${tfInfo.wasmThreads}`);
  for (const n of tfInfo.notes) log(`note: ${n}`);

  const impls: Impl[] = [
    ...tfInfo.backends.map((b) => tfjsImpl(b, tfInfo.wasmSimd)),
    ...tgBackends.map((b) => tensorGpuImpl(b)),
  ];
  const implOrder = impls.map((i) => i.name);
  const cases = allCases();
  const groups = (Object.keys(cases) as CaseGroup[]).filter((g) => args.only === null || args.only.includes(g));

  const rows: ResultRow[] = [];
  const tables: Record<string, string> = {};
  for (const group of groups) {
    const groupRows: ResultRow[] = [];
    for (const c of cases[group]) {
      // Build inputs and float64 references before any timing.
      c.tgReference();
      c.tfReference();
      const caseRows: ResultRow[] = [];
      for (const impl of impls) {
        const r = await runOne(impl, c, timing);
        caseRows.push(r);
        const what = r.skipped ? r.note : `${r.rate!.toPrecision(3)} ${r.unit}, ${r.msPerCall!.toPrecision(3)} ms/call, ${r.reps}×${Math.min(...r.callsPerRep!)}–${Math.max(...r.callsPerRep!)} calls, rel. err ${r.relErr!.toExponential(1)}${r.note ? ` (${r.note})` : ''}`;
        log(`  ${group} ${c.label} ${impl.name}: ${what}`);
      }
      fillRatios(caseRows);
      groupRows.push(...caseRows);
      c.release();
    }
    rows.push(...groupRows);
    tables[group] = groupTable(groupRows, implOrder);
    log(`\n## ${GROUP_TITLES[group]}\n`);
    log(tables[group]);
    log('');
  }

  let fp16: Awaited<ReturnType<typeof runFp16>> | null = null;
  if (args.fp16) {
    fp16 = await runFp16();
    log('## fp16 host round trip (bench/fp16-host.ts: runFp16HostBench)\n');
    if (fp16.rows) {
      tables.fp16 = markdownTable(
        ['dataset', 'implementation', 'ms (1e7 elements)', 'ns/element', 'speed-up vs f16round'],
        fp16.rows.map((r) => [String(r.dataset), String(r.impl), String(r.medianMs), String(r.nsPerElement), `${String(r.speedupVsF16round)}×`]),
      );
      log(tables.fp16);
      log(`(other load ${fp16.otherLoadCores?.toFixed(2) ?? 'n/a'} cores)`);
    } else {
      log(fp16.note ?? '');
    }
    log('');
  }

  const total = stopTotal();
  const loadAfter = loadAverageLine();
  const seconds = (performance.now() - started) / 1000;
  const failed = rows.filter((r) => r.correct === false);
  log(`load average after: ${loadAfter ?? 'n/a'}; other processes used ${total.otherCores?.toFixed(2) ?? 'n/a'} cores on average (\`*\` = ≥ ${BUSY_CORES} cores during that row)`);
  log(`total ${seconds.toFixed(0)} s; correctness: ${rows.filter((r) => r.correct === true).length} rows within ${TOLERANCE} of float64, ${failed.length} failed`);

  const file = join(BENCH_DIR, 'results', args.quick ? 'tensor-gpu.quick.json' : 'tensor-gpu.json');
  writeJson(file, {
    ...machine,
    load: {
      loadavgBefore: loadBefore,
      loadavgAfter: loadAfter,
      otherProcessesCores: total.otherCores,
      ownCores: total.ownCores,
      stealCores: total.stealCores,
      busyMarkCores: BUSY_CORES,
    },
    protocol: {
      quick: args.quick,
      warmUp: 'one call, excluded; its output is checked against a float64 reference',
      reps: timing.reps,
      minBatchMs: timing.minBatchMs,
      slowReps: timing.slowReps,
      slowCallMs: timing.slowCallMs,
      skipCallMs: timing.skipCallMs,
      statistic: 'median over repetitions of batch time / calls',
      tolerance: `max |got - ref| / max |ref| <= ${TOLERANCE}`,
      timedCall: 'tensor-gpu: tidy(op), await y.data(), y.dispose(); tfjs: tidy(op), y.dataSync(), y.dispose(); inputs uploaded once per case',
    },
    tensorGpu: { backends: tgBackends },
    tfjs: tfInfo,
    totalSeconds: Number(seconds.toFixed(1)),
    results: rows,
    fp16Host: fp16,
  });
  log(`wrote ${file}`);
}

await main();

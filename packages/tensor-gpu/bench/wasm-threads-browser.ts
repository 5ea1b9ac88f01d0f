/**
 * The `cpu` backend's matmul 512³ in headless Chromium on 1 and on 2 threads (Web Workers), in a
 * cross-origin isolated page: tensor-gpu's sources bundled for the browser with esbuild, served
 * with COOP/COEP from a routed https origin. Two engines in one page, one per thread count; paired
 * rounds (each round times a batch of calls on both, alternating which goes first); the speed-up
 * is the median of per-round ratios. Also checks that both give the same bits.
 *
 * Run from the package folder: `pnpm exec tsx bench/wasm-threads-browser.ts [--rounds=15]`.
 * Prints a table and writes `bench/results/wasm-threads-browser.json`.
 *
 * @module
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { chromiumArgs } from '../../../scripts/vitest-package';
import { machineInfo, markdownTable, writeJson } from './report';
import { loadAverageLine, median, pairedRatio } from './timing';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MIN_BATCH_MS = 40;
const SIZE = 512;

/** Runs in the page: the two engines, warm-up, paired rounds; returns ms per call of each round. */
const pageScript = `async ({ rounds, size, minBatchMs }) => {
  const t = await import('/tensor-gpu.js');
  const values = async (seed) => {
    const r = t.randn([size, size], { seed });
    const v = await r.data();
    r.dispose();
    return v;
  };
  const [av, bv] = [await values(1), await values(2)];
  const engines = [];
  for (const threads of [1, 2]) {
    const engine = new t.Engine();
    await engine.setBackend('cpu', { threads });
    engines.push({ engine, threads: engine.getCpuThreads(), a: t.tensorOn(engine, av, [size, size]), b: t.tensorOn(engine, bv, [size, size]) });
  }
  const call = async (e) => {
    const y = t.matmul(e.a, e.b);
    const values = await y.data();
    y.dispose();
    return values;
  };
  const first = [await call(engines[0]), await call(engines[1])];
  const same = first[0].every((v, i) => Object.is(v, first[1][i]));
  for (const e of engines) for (let i = 0; i < 2; i++) await call(e);
  const ms = [[], []];
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < 2; j++) {
      const i = (j + round) % 2;
      let calls = 0;
      const t0 = performance.now();
      do {
        await call(engines[i]);
        calls++;
      } while (performance.now() - t0 < minBatchMs);
      ms[i][round] = (performance.now() - t0) / calls;
    }
  }
  const threads = engines.map((e) => e.threads);
  for (const e of engines) e.engine.destroy();
  return { isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, threads, same, ms };
}`;

async function main(): Promise<void> {
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 15);
  // The package plus the engine-taking tensor constructor, so that two engines share the page.
  const entry = "export * from './src/index.ts'; export { tensor as tensorOn } from './src/ops/creation.ts';";
  const bundled = await build({ stdin: { contents: entry, resolveDir: join(BENCH_DIR, '..'), loader: 'ts' }, bundle: true, platform: 'browser', format: 'esm', write: false, define: { __PACKAGE_VERSION__: '"bench"' }, logLevel: 'silent' });
  const code = bundled.outputFiles[0].text;
  const loadBefore = loadAverageLine();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage();
    // https (a secure origin) and the two headers: the page is cross-origin isolated.
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    await page.route('https://bench.test/**', (route) => new URL(route.request().url()).pathname === '/tensor-gpu.js'
      ? route.fulfill({ status: 200, contentType: 'text/javascript', headers, body: code })
      : route.fulfill({ status: 200, contentType: 'text/html', headers, body: '<!doctype html><title>bench</title>' }));
    await page.goto('https://bench.test/');
    const r: any = await page.evaluate(`(${pageScript})(${JSON.stringify({ rounds, size: SIZE, minBatchMs: MIN_BATCH_MS })})`);
    const loadAfter = loadAverageLine();
    if (!r.isolated || r.threads[0] !== 1 || r.threads[1] !== 2) throw new Error(`the page did not run 1 and 2 threads: ${JSON.stringify({ isolated: r.isolated, threads: r.threads })}`);
    if (!r.same) throw new Error('1 and 2 threads gave different bits');
    const gflops = (ms: number) => (2 * SIZE ** 3) / ms / 1e6;
    const row = {
      label: `matmul ${SIZE}³ (Chromium, cross-origin isolated)`, rounds, oneThreadMs: median(r.ms[0]), twoThreadsMs: median(r.ms[1]),
      // Median over rounds of 1-thread time / 2-thread time: > 1 means the Web Worker helps.
      speedup: pairedRatio(r.ms[0], r.ms[1]), cores: r.cores,
    };
    console.log(markdownTable(
      ['case', '1 thread ms (GFLOP/s)', '2 threads ms (GFLOP/s)', '2 threads vs 1'],
      [[row.label, `${row.oneThreadMs.toFixed(2)} (${gflops(row.oneThreadMs).toFixed(1)})`, `${row.twoThreadsMs.toFixed(2)} (${gflops(row.twoThreadsMs).toFixed(1)})`, `${row.speedup.toFixed(2)}×`]],
    ));
    console.log(`load before: ${loadBefore}; after: ${loadAfter}; navigator.hardwareConcurrency ${r.cores}`);
    const file = join(BENCH_DIR, 'results', 'wasm-threads-browser.json');
    writeJson(file, { machine: machineInfo(), chromium: browser.version(), loadBefore, loadAfter, rounds, minBatchMs: MIN_BATCH_MS, row, msPerRound: r.ms });
    console.log(`wrote ${file}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

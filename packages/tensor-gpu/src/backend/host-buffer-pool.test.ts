import { describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { tensor } from '../ops/creation';
import { relu } from '../ops/elementwise';
import { HostBufferPool } from './host-buffer-pool';

describe('HostBufferPool', () => {
  it('hands a returned array out again for the same length, zeroed', () => {
    const pool = new HostBufferPool();
    const a = pool.take(5);
    a.fill(3);
    pool.give(a);
    expect(pool.pooledBytes).toBe(20);
    const b = pool.take(5);
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual([0, 0, 0, 0, 0]);
    expect(pool.take(5)).not.toBe(a);
    expect(pool.pooledBytes).toBe(0);
  });

  it('keeps only arrays it allocated, and nothing beyond its limit', () => {
    const pool = new HostBufferPool(40);
    pool.give(new Float32Array(4));
    expect(pool.pooledBytes).toBe(0);
    const [a, b] = [pool.take(8), pool.take(8)];
    pool.give(a);
    pool.give(b);
    expect(pool.pooledBytes).toBe(32);
    pool.clear();
    expect(pool.pooledBytes).toBe(0);
    expect(pool.take(8)).not.toBe(a);
  });

  it('a tensor read and then disposed at once keeps its values though its array is reused', async () => {
    const engine = new Engine();
    try {
      await engine.setBackend('cpu');
      const x = tensor(engine, [1, -2, 3, -4]);
      const y = relu(x);
      const pending = y.data();
      y.dispose();
      const w = tensor(engine, [-9, 9, -9, 9]);
      const z = relu(w);
      expect(Array.from(await pending)).toEqual([1, 0, 3, 0]);
      expect(Array.from(await z.data())).toEqual([0, 9, 0, 9]);
      expect(engine.memory().numBytes).toBe(3 * 16); // x, w and z: y's pooled array is not counted
      for (const t of [x, w, z]) t.dispose();
      expect(engine.memory().numBytes).toBe(0);
    } finally {
      engine.destroy();
    }
  });
});

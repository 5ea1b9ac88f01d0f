import * as t from '@nnlab/tensor-gpu';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forward } from '../network/network';
import { readAcasXuNetwork } from '../node/acasxu';
import { acasXuData, requirePresent } from '../testing/shared-data.test-helper';
import { formatNnet, normalizeInput, parseNnet } from './nnet';
import { tinyNnet as tiny } from '../testing/tiny-nnet.test-helper';

const data = acasXuData();

/** An independent reading of a `.nnet` file: plain string handling, nested arrays. */
function referenceEvaluate(text: string, x: number[]): number[] {
  const rows = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//')).map((l) => l.split(',').filter((s) => s.trim() !== '').map(Number));
  const sizes = rows[1];
  let at = 7;
  let h = x;
  for (let k = 0; k + 1 < sizes.length; k++) {
    const w = rows.slice(at, at + sizes[k + 1]);
    at += sizes[k + 1];
    const b = rows.slice(at, at + sizes[k + 1]).map((r) => r[0]);
    at += sizes[k + 1];
    const z = w.map((row, i) => row.reduce((s, v, j) => s + v * h[j], b[i]));
    h = k + 2 < sizes.length ? z.map((v) => Math.max(0, v)) : z;
  }
  return h;
}


describe('parseNnet', () => {
  it('reads a hand-written file and evaluates it as written', () => {
    const m = parseNnet(tiny);
    expect(m.network.layers.map((l) => [l.outSize, l.inSize])).toEqual([[3, 2], [1, 3]]);
    expect(m.outputMean).toBe(5);
    expect(m.outputRange).toBe(2);
    // h = relu([1·1 + 2·2 + 0.1, −1 + 1 − 0.2, 3 + 0.3]) = [5.1, 0, 3.3]; y = 5.1 − 0 + 3.3 + 0.5
    expect(forward(m.network, [1, 2])[0]).toBeCloseTo(8.9, 12);
    expect(Array.from(normalizeInput(m, [3, -3], true))).toEqual([1, -1]);
    expect(Array.from(normalizeInput(m, [3, -3]))).toEqual([3, -3]);
  });

  it('names the line of malformed input', () => {
    const lines = tiny.split('\n');
    const broken = (i: number, text: string) => lines.map((l, j) => (j === i ? text : l)).join('\n');
    expect(() => parseNnet(broken(9, '1,x,'))).toThrow(/line 10: 'x' is not a finite decimal number/);
    expect(() => parseNnet(broken(9, '1,2,3,'))).toThrow(/line 10: row 1 of the weights of layer 0: expected 2 values, got 3/);
    expect(() => parseNnet(broken(1, '2,2,1,'))).toThrow(/line 2: the header/);
    expect(() => parseNnet(broken(2, '3,3,1,'))).toThrow(/line 3: layer sizes start with 3 and end with 1, but the header says 2 inputs/);
    expect(() => parseNnet(lines.slice(0, 12).join('\n'))).toThrow(/line 3: the layer sizes declare 13 parameters on 8 lines, but the file ends after 7 values on 4 lines/);
    expect(() => parseNnet(lines.slice(0, 5).join('\n'))).toThrow(/file ends before the input maximums/);
    expect(() => parseNnet(`${tiny}7,\n`)).toThrow(/line 17: unexpected data after the last layer/);
    expect(() => parseNnet(broken(7, '1,0,2,'))).toThrow(/line 8: a range of 0/);
  });

  it('round-trips through formatNnet', () => {
    const m = parseNnet(tiny);
    const again = parseNnet(formatNnet(m));
    expect(again.network.layers.map((l) => Array.from(l.weights))).toEqual(m.network.layers.map((l) => Array.from(l.weights)));
    expect(Array.from(again.inputRange)).toEqual(Array.from(m.inputRange));
  });

  it.skipIf(data.skip)('reads every ACAS Xu network (checksums verified), round-trips and agrees with an independent forward pass', () => {
    requirePresent(data);
    const u = t.data.createRng(5);
    for (let x = 1; x <= 5; x++) {
      for (let y = 1; y <= 9; y++) {
        const m = readAcasXuNetwork(data.dir, x, y);
        expect(m.network.layers.map((l) => l.outSize)).toEqual([50, 50, 50, 50, 50, 50, 5]);
        expect(m.outputRange).toBe(373.94992);
        const text = readFileSync(join(data.dir, `nnet/ACASXU_run2a_${x}_${y}_batch_2000.nnet`), 'utf8');
        const again = parseNnet(formatNnet(m));
        for (let k = 0; k < 7; k++) expect(again.network.layers[k].weights).toEqual(m.network.layers[k].weights);
        for (let s = 0; s < 3; s++) {
          const point = Array.from({ length: 5 }, () => u() - 0.5);
          const ours = forward(m.network, point);
          const ref = referenceEvaluate(text, point);
          for (let i = 0; i < 5; i++) expect(Math.abs(ours[i] - ref[i])).toBeLessThan(1e-12);
        }
      }
    }
  });
});

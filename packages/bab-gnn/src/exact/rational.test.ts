import { data } from '@nnlab/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { createNetwork, forward } from '../network/network';
import { dyadicFromFloat, dyadicToRational, isDecimal, nextDown, nextUp, parseDecimal, ratCeilFloat, ratCmp, ratFloorFloat, ratFromFloat, ratToNumber } from './rational';
import { exactForward } from './replay';

describe('exact arithmetic', () => {
  it('reads decimals exactly and rounds them to the same float64 as Number', () => {
    const u = data.createRng(11);
    for (let k = 0; k < 5000; k++) {
      const digits = Array.from({ length: 1 + Math.floor(u() * 25) }, () => Math.floor(u() * 10)).join('');
      const point = Math.floor(u() * (digits.length + 1));
      const exp = Math.floor(u() * 660) - 340;
      const text = `${u() < 0.5 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}e${exp}`;
      const r = parseDecimal(text)!;
      expect(ratToNumber(r) === Number(text), text).toBe(true); // === : rationals have no −0
      const lo = ratFloorFloat(r);
      const hi = ratCeilFloat(r);
      if (Number.isFinite(Number(text))) {
        expect(ratCmp(ratFromFloat(lo), r), text).toBeLessThanOrEqual(0);
        expect(ratCmp(ratFromFloat(hi), r), text).toBeGreaterThanOrEqual(0);
        expect(hi === lo || nextUp(lo) === hi, text).toBe(true);
      }
    }
    for (const bad of ['0x10', '0b1', 'Infinity', 'NaN', '1_0', '', '.', 'e5', '1e', '--1', '1e401']) expect(parseDecimal(bad), bad).toBeNull();
    expect(isDecimal('.5') && isDecimal('5.') && isDecimal('+1e-3')).toBe(true);
  });

  it('holds every float64 exactly, subnormals included', () => {
    const u = data.createRng(12);
    const view = new DataView(new ArrayBuffer(8));
    for (let k = 0; k < 5000; k++) {
      view.setUint32(0, Math.floor(u() * 2 ** 32));
      view.setUint32(4, Math.floor(u() * 2 ** 32));
      const x = view.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      expect(ratToNumber(dyadicToRational(dyadicFromFloat(x)))).toBe(x);
      expect(ratCmp(ratFromFloat(nextDown(x)), ratFromFloat(x))).toBe(-1);
    }
  });

  it('evaluates a network exactly: agrees with float64 up to its rounding, and decides what float64 cannot', () => {
    const net = createNetwork([{ weights: [[0.1, 0.2], [0.3, -0.7]], bias: [0, 0.1] }, { weights: [[1, -1]], bias: [1e-17] }]);
    const u = data.createRng(13);
    for (let k = 0; k < 200; k++) {
      const x = [u() * 2 - 1, u() * 2 - 1];
      const exact = ratToNumber(dyadicToRational(exactForward(net, x)[0]));
      expect(Math.abs(exact - forward(net, x)[0])).toBeLessThan(1e-15);
    }
    // The floats nearest 0.1, 0.2 and 0.3 sum exactly to 2⁻⁵⁵, while float64 arithmetic gives 2⁻⁵⁴.
    const sum = createNetwork([{ weights: [[0.1, 0.2, -0.3]], bias: [0] }]);
    const y = exactForward(sum, [1, 1, 1])[0];
    expect(ratCmp(dyadicToRational(y), { num: 1n, den: 2n ** 55n })).toBe(0);
    expect(forward(sum, [1, 1, 1])[0]).toBe(2 ** -54);
  });
});

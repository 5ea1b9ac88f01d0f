// Reproducers of wrong verdicts, hangs and blow-ups, each checked against what is true by
// construction (exact arithmetic by hand, or the sizes the files declare).
import { describe, expect, it } from 'vitest';
import { createBabsr } from '../branching/babsr';
import { forward, createNetwork } from '../network/network';
import { parseNnet } from '../parse/nnet';
import { parseVnnlib } from '../parse/vnnlib';
import { checkCounterexample } from '../properties/counterexample';
import { constraintValue, type VerificationSpec } from '../properties/spec';
import { randomNetwork } from '../testing/random-network.test-helper';
import { verify } from './verify';

const identityNnet = `2,1,1,2,
1,2,1,
0,
-1,
1,
0,0,
1,1,
1,
-1,
0,
0,
1,-1,
0,
`;

describe('verdicts that must not be wrong', () => {
  it('respects strict input bounds: y = x0 on the open interval (0, 1) never reaches 1', async () => {
    const { network } = parseNnet(identityNnet, 'identity.nnet');
    const spec = parseVnnlib('(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (> X_0 0))\n(assert (< X_0 1))\n(assert (>= Y_0 1))\n', 'open.vnnlib');
    expect(forward(network, [1])[0]).toBe(1); // the closed box's corner would violate
    expect(checkCounterexample(network, spec, [1])).toBeNull();
    expect(checkCounterexample(network, spec, [0.5])).toBeNull();
    for (const splitting of ['input', 'relu'] as const) {
      const r = await verify(network, spec, { splitting, timeout: 3 });
      expect(r.status, splitting).not.toBe('violated');
      expect(['holds', 'unknown', 'timeout']).toContain(r.status);
    }
    // The same property with closed ends is violated at x = 1, and found.
    const closed = parseVnnlib('(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= Y_0 1))\n');
    const r = await verify(network, closed, { timeout: 20 });
    expect(r.status).toBe('violated');
    expect(Array.from(r.counterexample!.input)).toEqual([1]);
  });

  it('does not accept a counterexample on float64 rounding noise', async () => {
    // y0 = x0 + 2·x1 + 0.25, y1 = −x0 + 0.5·x1 − 0.5 on [−1, 1]²: y0 − y1 = 2·x0 + 1.5·x1 + 0.75 ≥ −2.75.
    const net = createNetwork([{ weights: [[1, 2], [-1, 0.5]], bias: [0.25, -0.5] }]);
    const spec = parseVnnlib('(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (>= X_1 -1))\n(assert (<= X_1 1))\n(assert (< (- Y_0 Y_1) -2.75))\n');
    const x = [-1, -0.9999999999999999];
    // In float64 the constraint value is negative (a false violation); exactly it is 1.5·2⁻⁵³ > 0.
    expect(constraintValue(spec.regions[0].clauses[0][0], forward(net, x))).toBeLessThan(0);
    expect(checkCounterexample(net, spec, x)).toBeNull();
    for (const splitting of ['input', 'relu'] as const) {
      const r = await verify(net, spec, { splitting, timeout: 5 });
      expect(r.status, splitting).not.toBe('violated');
    }
    // Non-strict, the tie at x = (−1, −1) is a real counterexample.
    const tie = parseVnnlib('(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (>= X_1 -1))\n(assert (<= X_1 1))\n(assert (<= (- Y_0 Y_1) -2.75))\n');
    const r = await verify(net, tie, { timeout: 5 });
    expect(r.status).toBe('violated');
    expect(Array.from(r.counterexample!.input)).toEqual([-1, -1]);
  });

  it('judges decimal constants exactly: 0.1 in a property is not the float64 nearest to it', () => {
    // y = x on [0, 1]; unsafe when y ≤ 0.1. The float nearest 0.1 is above 0.1, so x = fl(0.1) is not unsafe.
    const net = createNetwork([{ weights: [[1]], bias: [0] }]);
    const spec = parseVnnlib('(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (<= Y_0 0.1))\n');
    expect(checkCounterexample(net, spec, [0.1])).toBeNull();
    expect(checkCounterexample(net, spec, [0.09999999999999999])).not.toBeNull();
  });

  it('ReLU splitting decides fully split leaves of multi-constraint clauses by their linear program', async () => {
    // Two constraints g1 = y0 − y1 ≤ a and g2 = (y2 − y1) − c·g1 ≤ b, each satisfiable alone,
    // jointly infeasible on a dense grid with a margin of 7 % of g1's range. How much of −g1 the
    // second needs (c) for the two to conflict depends on the network: the smallest c that works.
    const net = randomNetwork([2, 8, 8, 3], 102);
    const ys: Float64Array[] = [];
    for (let i = 0; i <= 100; i++) for (let j = 0; j <= 100; j++) ys.push(forward(net, [-1 + i / 50, -1 + j / 50]));
    const conflicting = (c: number) => {
      const pts = ys.map((y) => [y[0] - y[1], y[2] - y[1] - c * (y[0] - y[1])]);
      const g1 = pts.map((p) => p[0]);
      const range = Math.max(...g1) - Math.min(...g1);
      const a = Math.min(...g1) + 0.3 * range;
      const least = Math.min(...pts.map((p) => p[1]));
      let lo = least;
      let hi = 100;
      for (let step = 0; step < 60; step++) {
        const b = (lo + hi) / 2;
        const v = Math.min(...pts.map((p) => Math.max(p[0] - a, p[1] - b)));
        if (v > 0.07 * range) lo = b;
        else hi = b;
      }
      return lo > least ? { c, a, b: lo } : null;
    };
    const pair = [0, 0.25, 0.5, 1, 2].map(conflicting).find((p) => p !== null);
    expect(pair).toBeDefined();
    const { c, a, b } = pair!;
    const spec: VerificationSpec = {
      inputSize: 2,
      outputSize: 3,
      regions: [{ lower: Float64Array.from([-1, -1]), upper: Float64Array.from([1, 1]), clauses: [[
        { coeffs: Float64Array.from([1, -1, 0]), constant: -a, strict: false },
        { coeffs: Float64Array.from([-c, c - 1, 1]), constant: -b, strict: false },
      ]] }],
    };
    const r = await verify(net, spec, { splitting: 'relu', rule: createBabsr(), timeout: 60, attack: { restarts: 2, steps: 10 } });
    expect(r.status).toBe('holds');
    expect(r.stats.leavesDecided).toBeGreaterThan(0);
    expect(r.stats.unresolved).toBe(0);
  });
});

const io = (inputs: number, outputs: number) =>
  [...Array.from({ length: inputs }, (_, i) => `(declare-const X_${i} Real)`), ...Array.from({ length: outputs }, (_, i) => `(declare-const Y_${i} Real)`), ...Array.from({ length: inputs }, (_, i) => `(assert (>= X_${i} -1)) (assert (<= X_${i} 1))`)].join('\n');

describe('time limits and sizes', () => {
  it('stops at the time limit on a short property of 4096 clauses', async () => {
    const pair = (i: number) => `(or (<= Y_${i % 5} Y_${(i + 1) % 5}) (<= Y_${(i + 2) % 5} Y_${(i + 3) % 5}))`;
    const text = `${io(5, 5)}\n(assert (and ${Array.from({ length: 12 }, (_, i) => pair(i)).join(' ')}))\n`;
    const spec = parseVnnlib(text, 'many.vnnlib');
    expect(spec.regions[0].clauses).toHaveLength(4096);
    const net = randomNetwork([5, 50, 50, 5], 7);
    const t0 = performance.now();
    const r = await verify(net, spec, { timeout: 1 });
    const elapsed = (performance.now() - t0) / 1000;
    // Either decided quickly or stopped by the limit; never far past it (it used to run for minutes).
    if (r.status === 'timeout') expect(elapsed).toBeLessThan(10);
    if (r.status === 'violated') expect(checkCounterexample(net, spec, r.counterexample!.input)).not.toBeNull();
  });

  it('refuses deep nesting and properties that expand far beyond their size, naming the file and line', () => {
    const deepAnd = `${io(1, 1)}\n(assert ${'(and '.repeat(5000)}(<= Y_0 0)${')'.repeat(5000)})\n`;
    expect(() => parseVnnlib(deepAnd, 'deep.vnnlib')).toThrow(/^deep\.vnnlib: line 4: parentheses nested deeper than 64$/);
    const deepOr = `${io(1, 1)}\n(assert ${'(or '.repeat(3000)}(<= Y_0 0)${')'.repeat(3000)})\n`;
    expect(() => parseVnnlib(deepOr, 'deep.vnnlib')).toThrow(/line 4: parentheses nested deeper/);
    // An OR of 40 copies of 15 ANDed pairs: 40 · 2¹⁵ clauses, refused before expanding.
    const copy = `(and ${Array.from({ length: 15 }, () => '(or (<= Y_0 0) (<= Y_1 0))').join(' ')})`;
    const wide = `${io(1, 2)}\n(assert (or ${Array.from({ length: 40 }, () => copy).join(' ')}))\n`;
    expect(() => parseVnnlib(wide, 'wide.vnnlib')).toThrow(/wide\.vnnlib: the property expands to 1310720 clauses, more than the limit 100000/);
    // 16 ANDed pairs in under 600 bytes: 65 536 clauses of 16 atoms, beyond the size budget of so short a file.
    const short = `${io(1, 2)}\n(assert (and ${Array.from({ length: 16 }, () => '(or (<= Y_0 0) (<= Y_1 0))').join(' ')}))\n`;
    expect(short.length).toBeLessThan(600);
    expect(() => parseVnnlib(short, 'short.vnnlib')).toThrow(/short\.vnnlib: the property expands to 65536 clauses of 1179648 atoms/);
  });

  it('checks the sizes a .nnet header declares against the file before allocating, and reads only decimals', () => {
    const header = (sizes: string) => `2,5,5,100,\n${sizes}\n0,\n0,0,0,0,0,\n1,1,1,1,1,\n0,0,0,0,0,0,\n1,1,1,1,1,1,\n1,2,3,4,5,\n`;
    expect(() => parseNnet(header('5,2147483647,5,'), 'huge.nnet')).toThrow(/^huge\.nnet: line 2: the layer sizes declare \d+ parameters, more than the limit 50000000$/);
    expect(() => parseNnet(header('5,50000000,5,'), 'big.nnet')).toThrow(/^big\.nnet: line 2: the layer sizes declare 550000005 parameters/);
    expect(() => parseNnet(header('5,1000,5,'), 'short.nnet')).toThrow(/^short\.nnet: line 2: the layer sizes declare 11005 parameters on 2010 lines, but the file ends after 5 values on 1 lines$/);
    for (const token of ['0b101', '0x10', 'Infinity', '1_000', '0o7', 'NaN', '1e', '.']) {
      expect(() => parseNnet(identityNnet.replace('1,-1,', `${token},-1,`), 'tok.nnet'), token).toThrow(/tok\.nnet: line 12: /);
    }
  });
});

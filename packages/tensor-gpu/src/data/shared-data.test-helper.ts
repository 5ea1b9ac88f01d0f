// Test helper (not part of the library): the shared-data logic of every package's tests, plus
// small checks for the data-set tests of this package.
export { inCI, repoRoot, requirePresent, sharedData, sharedDataDir, type SharedData } from '../../../../scripts/shared-data.test-helper';

/** Memoises an async loader so that a test file reads each data file once. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= load());
}

/** Counts of each label 0..9. */
export function histogram(labels: ArrayLike<number>, classes = 10): number[] {
  const h = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]]++;
  return h;
}

/** Exact equality of two typed arrays, compared as bytes (fast for tens of MB). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Smallest and largest value (index loop: fast on tens of millions of values). */
export function minMax(values: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * Multiplication-free products with a fixed sign matrix S ∈ {−1, +1}^{rows × C}:
 * `out[i, j] = Σ_k S[j, k] · e[i, k]`, computed by selecting signs and adding.
 *
 * The classes are cut into groups of g. For one sample and one group, the signed sums of all 2^g
 * sign patterns are tabulated in Gray-code order, so each table entry costs one addition (flipping
 * one sign adds or subtracts 2·e_k, and 2·e_k itself is e_k + e_k). Every output then reads one
 * table entry per group and adds them: per sample, (C/g)·2^g + rows·(C/g − 1) additions instead
 * of rows·C multiply-adds. This is the "method of four Russians" applied to ±1 matrices.
 */
export interface SignPlan {
  /** Rows of S (outputs per sample). */
  readonly rows: number;
  /** Columns of S (classes). */
  readonly classes: number;
  /** Classes per group (table of 2^groupSize entries per group). */
  readonly groupSize: number;
  /** Number of groups, ⌈classes / groupSize⌉. */
  readonly groups: number;
  /**
   * For row j and group q, where its signed sum sits in the concatenated tables:
   * `q·2^groupSize + (bit pattern of S[j, group q] > 0)`, at `entries[j·groups + q]`.
   */
  readonly entries: Int32Array;
  /** For each group, the class index (within the group) flipped at each Gray-code step (length 2^size − 1). */
  readonly flips: readonly Int32Array[];
}

/** Additions per sample of the table method with groups of `g`. */
function tableCost(rows: number, classes: number, g: number): number {
  const groups = Math.ceil(classes / g);
  return groups * (1 << g) + rows * (groups - 1);
}

/**
 * Plans the table method for a sign matrix given as booleans (`positive[j·C + k]` true where
 * S[j, k] = +1), choosing the group size (1..10) with the fewest additions per sample.
 */
export function planSignProducts(positive: ArrayLike<boolean | number>, rows: number, classes: number): SignPlan {
  if (positive.length !== rows * classes) throw new Error(`planSignProducts: expected ${rows}×${classes} signs, got ${positive.length}`);
  let groupSize = 1;
  for (let g = 2; g <= Math.min(10, classes); g++) if (tableCost(rows, classes, g) < tableCost(rows, classes, groupSize)) groupSize = g;
  const groups = Math.ceil(classes / groupSize);
  const entries = new Int32Array(rows * groups);
  for (let j = 0; j < rows; j++) {
    for (let q = 0; q < groups; q++) entries[j * groups + q] = q << groupSize;
    for (let k = 0; k < classes; k++) {
      if (positive[j * classes + k]) entries[j * groups + Math.floor(k / groupSize)] |= 1 << k % groupSize;
    }
  }
  const flips: Int32Array[] = [];
  for (let q = 0; q < groups; q++) {
    const size = Math.min(groupSize, classes - q * groupSize);
    const steps = new Int32Array((1 << size) - 1);
    // Gray code: step s flips the bit of the lowest set bit of s.
    for (let s = 1; s < 1 << size; s++) steps[s - 1] = 31 - Math.clz32(s & -s);
    flips.push(steps);
  }
  return { rows, classes, groupSize, groups, entries, flips };
}

/**
 * `out[i, j] = Σ_k S[j, k] · e[i, k]` for `e` `[n, C]` row-major and `out` `[n, rows]`, with
 * additions and subtractions only (see {@link SignPlan}).
 */
export function signProductsByTables(plan: SignPlan, e: Float32Array, out: Float32Array): void {
  const { rows, classes, groupSize, groups, entries, flips } = plan;
  const n = e.length / classes;
  const table = new Float32Array(groups << groupSize);
  for (let i = 0, eRow = 0, oRow = 0; i < n; i++, eRow += classes, oRow += rows) {
    for (let q = 0; q < groups; q++) {
      const base = eRow + q * groupSize;
      const size = Math.min(groupSize, classes - q * groupSize);
      const offset = q << groupSize;
      // Gray-code walk: `code` is the current pattern, `value` its signed sum (all minus at code 0).
      let value = 0;
      for (let k = 0; k < size; k++) value -= e[base + k];
      let code = 0;
      table[offset] = value;
      const steps = flips[q];
      for (let s = 0; s < steps.length; s++) {
        const k = steps[s];
        const twice = e[base + k] + e[base + k];
        const bit = 1 << k;
        if (code & bit) value -= twice;
        else value += twice;
        code ^= bit;
        table[offset + code] = value;
      }
    }
    // Gathering: one table read per group and output, and groups − 1 additions.
    if (groups === 1) {
      for (let j = 0; j < rows; j++) out[oRow + j] = table[entries[j]];
    } else if (groups === 2) {
      for (let j = 0, c = 0; j < rows; j++, c += 2) out[oRow + j] = table[entries[c]] + table[entries[c + 1]];
    } else {
      for (let j = 0, c = 0; j < rows; j++, c += groups) {
        let acc = table[entries[c]];
        for (let q = 1; q < groups; q++) acc += table[entries[c + q]];
        out[oRow + j] = acc;
      }
    }
  }
}

/**
 * The direct form of the same product: for every output, add or subtract each class's error
 * according to the sign (rows·C additions per sample). Used as the reference for the table
 * method and as the single-thread body of the device kernel.
 */
export function signProductsDirect(positive: ArrayLike<boolean | number>, rows: number, classes: number, e: Float32Array, out: Float32Array): void {
  const n = e.length / classes;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < rows; j++) {
      let acc = 0;
      for (let k = 0; k < classes; k++) {
        const v = e[i * classes + k];
        acc = positive[j * classes + k] ? acc + v : acc - v;
      }
      out[i * rows + j] = acc;
    }
  }
}

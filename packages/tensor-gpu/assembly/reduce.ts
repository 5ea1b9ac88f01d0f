// The reductions of src/kernels/reduce.ts with 128-bit SIMD, over byte offsets as in gemm.ts: the
// input is viewed as [lead, outer, count, inner] (row-major), one output per (outer, inner) pair,
// reduced over the count axis and the leading one (lead = 1: none), l = 0, 1, … then k = 0, 1, ….
//
// Summation order (sum and mean). Values are added in float32 lanes, and no lane takes more than
// LANE_TERMS values before its partial sum is added into a float64 total; the total is rounded once
// to float32 (mean: divided by count in float64 first). So a result is within 15·2⁻²⁴·Σ|x| of the
// exact sum, plus half a float32 ulp, whatever the length. The JavaScript loops add every value in
// float64 in order; the two are therefore not bit-identical (within that bound of each other).
// - inner == 1 (the reduced axis is the last): the row is read in blocks of 16·LANE_TERMS values;
//   in a block, value k goes to lane k mod 16 of four 4-lane accumulators (a tail of fewer than 16
//   values puts its whole 4-value vectors into the first, second and third accumulator); after each
//   block the 16 lanes are added in float64 into the total. The last (count mod 4) values are added
//   to the total in float64, in order. With lead > 1 the rows l = 0, 1, … go into one total so.
// - inner > 1 (the strided case): output i adds rows k = 0, 1, … in order in its own float32 lane,
//   starting a fresh lane every LANE_TERMS rows, each partial sum added to the output's float64
//   total in order (with lead > 1: the rows of l = 0, then those of l = 1, …, a fresh lane at each
//   l). Outputs are taken 16, then 4, then 1 at a time; the order is the same for all.
//
// max, min, argmax, argmin are bit-identical to the JavaScript loops: each output starts from the
// first value of its run (l = 0, k = 0); a later value replaces it only when strictly greater
// (less), so a NaN never does, and the result is NaN only when the first value is NaN;
// argmax/argmin give the first index of the extreme. With inner == 1 the lanes all start from the
// run's first value and each keeps its first extreme; lanes are merged by value, then by the
// smaller index (arg ops), and a zero maximum (minimum) is then replaced by the run's first zero,
// so its sign is the loops' too.

/** Op codes (REDUCE_OPS in src/kernels/reduce.ts lists them in this order). */
const SUM = 0;
const MEAN = 1;
const MAX = 2;
const MIN = 3;
const ARGMAX = 4;
const ARGMIN = 5;

/** Values a float32 lane adds before its partial sum goes into the float64 total. */
const LANE_TERMS = 16;

/** The four float32 lanes of `v` added in float64, as a pair of lanes. */
// @ts-ignore: decorator
@inline function widenSum(v: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
}

// @ts-ignore: decorator
@inline function pairSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ of the `n` values at `row`, in the inner == 1 order described at the top. */
function rowSum(row: usize, n: i32): f64 {
  const zero = f32x4.splat(0);
  const vectorEnd = n & ~3;
  let total: f64 = 0;
  let k = 0;
  while (k < vectorEnd) {
    const end = min(vectorEnd, k + 16 * LANE_TERMS);
    let s0 = zero;
    let s1 = zero;
    let s2 = zero;
    let s3 = zero;
    for (; k + 16 <= end; k += 16) {
      const at = row + (<usize>k << 2);
      s0 = f32x4.add(s0, v128.load(at));
      s1 = f32x4.add(s1, v128.load(at + 16));
      s2 = f32x4.add(s2, v128.load(at + 32));
      s3 = f32x4.add(s3, v128.load(at + 48));
    }
    // A tail block holds at most 15 groups of 16: one more vector per accumulator stays within LANE_TERMS.
    if (k < end) {
      s0 = f32x4.add(s0, v128.load(row + (<usize>k << 2)));
      k += 4;
    }
    if (k < end) {
      s1 = f32x4.add(s1, v128.load(row + (<usize>k << 2)));
      k += 4;
    }
    if (k < end) {
      s2 = f32x4.add(s2, v128.load(row + (<usize>k << 2)));
      k += 4;
    }
    total += pairSum(f64x2.add(f64x2.add(widenSum(s0), widenSum(s1)), f64x2.add(widenSum(s2), widenSum(s3))));
  }
  for (; k < n; k++) total += <f64>load<f32>(row + (<usize>k << 2));
  return total;
}

/** Index of the first of the `n` values at `row` that equals zero, or -1 when none does. */
function firstZero(row: usize, n: i32): i32 {
  for (let k = 0; k < n; k++) if (load<f32>(row + (<usize>k << 2)) == 0) return k;
  return -1;
}

/**
 * max (`greater`) or min of `first` (the run's first value) and the `n` values at `row`, with the
 * loops' rules; a zero result's sign is settled by the caller.
 */
// @ts-ignore: decorator
@inline function rowExtreme(row: usize, n: i32, first: f32, greater: bool): f32 {
  // pmax(m, x) = m < x ? x : m and pmin(m, x) = x < m ? x : m: the loops' strict comparisons.
  let m0 = f32x4.splat(first);
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let k = 0;
  for (; k + 16 <= n; k += 16) {
    const at = row + (<usize>k << 2);
    if (greater) {
      m0 = f32x4.pmax(m0, v128.load(at));
      m1 = f32x4.pmax(m1, v128.load(at + 16));
      m2 = f32x4.pmax(m2, v128.load(at + 32));
      m3 = f32x4.pmax(m3, v128.load(at + 48));
    } else {
      m0 = f32x4.pmin(m0, v128.load(at));
      m1 = f32x4.pmin(m1, v128.load(at + 16));
      m2 = f32x4.pmin(m2, v128.load(at + 32));
      m3 = f32x4.pmin(m3, v128.load(at + 48));
    }
  }
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(row + (<usize>k << 2));
    m0 = greater ? f32x4.pmax(m0, v) : f32x4.pmin(m0, v);
  }
  // Every lane started from the first value: a NaN there is in every lane, else in none.
  const m = greater ? f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3)) : f32x4.pmin(f32x4.pmin(m0, m1), f32x4.pmin(m2, m3));
  let r = f32x4.extract_lane(m, 0);
  const r1 = f32x4.extract_lane(m, 1);
  const r2 = f32x4.extract_lane(m, 2);
  const r3 = f32x4.extract_lane(m, 3);
  if (greater ? r1 > r : r1 < r) r = r1;
  if (greater ? r2 > r : r2 < r) r = r2;
  if (greater ? r3 > r : r3 < r) r = r3;
  for (; k < n; k++) {
    const x = load<f32>(row + (<usize>k << 2));
    if (greater ? x > r : x < r) r = x;
  }
  return r;
}

/** Index of the first max (`greater`) or min of the `n` values at `row`. */
// @ts-ignore: decorator
@inline function rowArgExtreme(row: usize, n: i32, greater: bool): i32 {
  let m = f32x4.splat(load<f32>(row));
  let best = i32x4.splat(0);
  let index = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(row + (<usize>k << 2));
    const wins = greater ? f32x4.gt(v, m) : f32x4.lt(v, m);
    m = v128.bitselect(v, m, wins);
    best = v128.bitselect(index, best, wins);
    index = i32x4.add(index, four);
  }
  // Lanes merged in order: a greater (less) value wins, an equal one when its index is smaller.
  let r = f32x4.extract_lane(m, 0);
  let at = i32x4.extract_lane(best, 0);
  for (let j = 1; j < 4; j++) {
    m = i32x4.shuffle(m, m, 1, 2, 3, 0);
    best = i32x4.shuffle(best, best, 1, 2, 3, 0);
    const x = f32x4.extract_lane(m, 0);
    const i = i32x4.extract_lane(best, 0);
    if ((greater ? x > r : x < r) || (x == r && i < at)) {
      r = x;
      at = i;
    }
  }
  for (; k < n; k++) {
    const x = load<f32>(row + (<usize>k << 2));
    if (greater ? x > r : x < r) {
      r = x;
      at = k;
    }
  }
  return at;
}

/** One output per row of `n` values (inner == 1), over the `lead` rows `leadBytes` apart. */
// @ts-ignore: decorator
@inline function rows(op: i32, a: usize, out: usize, lead: i32, outer: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  const leadBytes = <usize>outer * rowBytes;
  for (let p = 0; p < outer; p++) {
    const row = a + <usize>p * rowBytes;
    let r: f32 = 0;
    if (op == SUM || op == MEAN) {
      let total: f64 = 0;
      for (let l = 0; l < lead; l++) total += rowSum(row + <usize>l * leadBytes, n);
      r = <f32>(op == MEAN ? total / (<f64>n * <f64>lead) : total);
    } else if (op == MAX || op == MIN) {
      const greater = op == MAX;
      const first = load<f32>(row);
      r = first;
      // Every row starts from the run's first value, so a NaN there wins everywhere, else nowhere.
      for (let l = 0; l < lead; l++) {
        const x = rowExtreme(row + <usize>l * leadBytes, n, first, greater);
        if (greater ? x > r : x < r) r = x;
      }
      // Only ±0 compare equal without being the same value: the loops keep the first of them.
      if (r == 0) {
        for (let l = 0; l < lead; l++) {
          const at = firstZero(row + <usize>l * leadBytes, n);
          if (at >= 0) {
            r = load<f32>(row + <usize>l * leadBytes + (<usize>at << 2));
            break;
          }
        }
      }
    } else r = <f32>rowArgExtreme(row, n, op == ARGMAX);
    store<f32>(out + (<usize>p << 2), r);
  }
}

/**
 * Sums (means) of `width` columns (16 or 4, or 1: scalar) from `col` down `n` rows of `rowBytes`,
 * into `out`: float32 lanes restarted every LANE_TERMS rows, added into float64 totals.
 */
// @ts-ignore: decorator
@inline function columnSums(col: usize, rowBytes: usize, n: i32, lead: i32, leadBytes: usize, out: usize, width: i32, mean: bool): void {
  const zero = f32x4.splat(0);
  let t0 = f64x2.splat(0);
  let t1 = t0;
  let t2 = t0;
  let t3 = t0;
  let t4 = t0;
  let t5 = t0;
  let t6 = t0;
  let t7 = t0;
  let scalar: f64 = 0;
  for (let l = 0; l < lead; l++) {
    const at0 = col + <usize>l * leadBytes;
    for (let kb = 0; kb < n; kb += LANE_TERMS) {
      const end = min(n, kb + LANE_TERMS);
      let s0 = zero;
      let s1 = zero;
      let s2 = zero;
      let s3 = zero;
      let s: f32 = 0;
      for (let k = kb; k < end; k++) {
        const at = at0 + <usize>k * rowBytes;
        if (width == 1) s += load<f32>(at);
        else {
          s0 = f32x4.add(s0, v128.load(at));
          if (width == 16) {
            s1 = f32x4.add(s1, v128.load(at + 16));
            s2 = f32x4.add(s2, v128.load(at + 32));
            s3 = f32x4.add(s3, v128.load(at + 48));
          }
        }
      }
      if (width == 1) scalar += <f64>s;
      else {
        t0 = f64x2.add(t0, f64x2.promote_low_f32x4(s0));
        t1 = f64x2.add(t1, f64x2.promote_low_f32x4(i32x4.shuffle(s0, s0, 2, 3, 0, 1)));
        if (width == 16) {
          t2 = f64x2.add(t2, f64x2.promote_low_f32x4(s1));
          t3 = f64x2.add(t3, f64x2.promote_low_f32x4(i32x4.shuffle(s1, s1, 2, 3, 0, 1)));
          t4 = f64x2.add(t4, f64x2.promote_low_f32x4(s2));
          t5 = f64x2.add(t5, f64x2.promote_low_f32x4(i32x4.shuffle(s2, s2, 2, 3, 0, 1)));
          t6 = f64x2.add(t6, f64x2.promote_low_f32x4(s3));
          t7 = f64x2.add(t7, f64x2.promote_low_f32x4(i32x4.shuffle(s3, s3, 2, 3, 0, 1)));
        }
      }
    }
  }
  const count = <f64>n * <f64>lead;
  const d = f64x2.splat(mean ? count : 1);
  if (width == 1) {
    store<f32>(out, <f32>(mean ? scalar / count : scalar));
    return;
  }
  v128.store(out, i64x2.shuffle(f32x4.demote_f64x2_zero(f64x2.div(t0, d)), f32x4.demote_f64x2_zero(f64x2.div(t1, d)), 0, 2));
  if (width == 16) {
    v128.store(out + 16, i64x2.shuffle(f32x4.demote_f64x2_zero(f64x2.div(t2, d)), f32x4.demote_f64x2_zero(f64x2.div(t3, d)), 0, 2));
    v128.store(out + 32, i64x2.shuffle(f32x4.demote_f64x2_zero(f64x2.div(t4, d)), f32x4.demote_f64x2_zero(f64x2.div(t5, d)), 0, 2));
    v128.store(out + 48, i64x2.shuffle(f32x4.demote_f64x2_zero(f64x2.div(t6, d)), f32x4.demote_f64x2_zero(f64x2.div(t7, d)), 0, 2));
  }
}

/** max (`greater`) or min of `width` columns (16, 4 or 1) down `n` rows: each output in row order. */
// @ts-ignore: decorator
@inline function columnExtremes(col: usize, rowBytes: usize, n: i32, lead: i32, leadBytes: usize, out: usize, width: i32, greater: bool): void {
  if (width == 1) {
    let r = load<f32>(col);
    for (let l = 0; l < lead; l++) {
      for (let k = l == 0 ? 1 : 0; k < n; k++) {
        const x = load<f32>(col + <usize>l * leadBytes + <usize>k * rowBytes);
        if (greater ? x > r : x < r) r = x;
      }
    }
    store<f32>(out, r);
    return;
  }
  let m0 = v128.load(col);
  let m1 = width == 16 ? v128.load(col + 16) : m0;
  let m2 = width == 16 ? v128.load(col + 32) : m0;
  let m3 = width == 16 ? v128.load(col + 48) : m0;
  for (let l = 0; l < lead; l++) {
    for (let k = l == 0 ? 1 : 0; k < n; k++) {
      const at = col + <usize>l * leadBytes + <usize>k * rowBytes;
      m0 = greater ? f32x4.pmax(m0, v128.load(at)) : f32x4.pmin(m0, v128.load(at));
      if (width == 16) {
        m1 = greater ? f32x4.pmax(m1, v128.load(at + 16)) : f32x4.pmin(m1, v128.load(at + 16));
        m2 = greater ? f32x4.pmax(m2, v128.load(at + 32)) : f32x4.pmin(m2, v128.load(at + 32));
        m3 = greater ? f32x4.pmax(m3, v128.load(at + 48)) : f32x4.pmin(m3, v128.load(at + 48));
      }
    }
  }
  v128.store(out, m0);
  if (width == 16) {
    v128.store(out + 16, m1);
    v128.store(out + 32, m2);
    v128.store(out + 48, m3);
  }
}

/** argmax (`greater`) or argmin of 4 columns (or 1: `width`) down `n` rows, as float indices. */
// @ts-ignore: decorator
@inline function columnArgExtremes(col: usize, rowBytes: usize, n: i32, out: usize, width: i32, greater: bool): void {
  if (width == 1) {
    let r = load<f32>(col);
    let at = 0;
    for (let k = 1; k < n; k++) {
      const x = load<f32>(col + <usize>k * rowBytes);
      if (greater ? x > r : x < r) {
        r = x;
        at = k;
      }
    }
    store<f32>(out, <f32>at);
    return;
  }
  let m = v128.load(col);
  let best = i32x4.splat(0);
  for (let k = 1; k < n; k++) {
    const v = v128.load(col + <usize>k * rowBytes);
    const wins = greater ? f32x4.gt(v, m) : f32x4.lt(v, m);
    m = v128.bitselect(v, m, wins);
    best = v128.bitselect(i32x4.splat(k), best, wins);
  }
  v128.store(out, f32x4.convert_i32x4_s(best));
}

/** Every output of `inner` > 1 columns per outer index. */
// @ts-ignore: decorator
@inline function columns(op: i32, a: usize, out: usize, lead: i32, outer: i32, n: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  const leadBytes = <usize>outer * <usize>n * rowBytes;
  for (let p = 0; p < outer; p++) {
    const base = a + <usize>p * <usize>n * rowBytes;
    const o = out + <usize>p * rowBytes;
    let i = 0;
    if (op == SUM || op == MEAN) {
      for (; i + 16 <= inner; i += 16) columnSums(base + (<usize>i << 2), rowBytes, n, lead, leadBytes, o + (<usize>i << 2), 16, op == MEAN);
      for (; i + 4 <= inner; i += 4) columnSums(base + (<usize>i << 2), rowBytes, n, lead, leadBytes, o + (<usize>i << 2), 4, op == MEAN);
      for (; i < inner; i++) columnSums(base + (<usize>i << 2), rowBytes, n, lead, leadBytes, o + (<usize>i << 2), 1, op == MEAN);
    } else if (op == MAX || op == MIN) {
      for (; i + 16 <= inner; i += 16) columnExtremes(base + (<usize>i << 2), rowBytes, n, lead, leadBytes, o + (<usize>i << 2), 16, op == MAX);
      for (; i + 4 <= inner; i += 4) columnExtremes(base + (<usize>i << 2), rowBytes, n, lead, leadBytes, o + (<usize>i << 2), 4, op == MAX);
      for (; i < inner; i++) columnExtremes(base + (<usize>i << 2), rowBytes, n, lead, leadBytes, o + (<usize>i << 2), 1, op == MAX);
    } else {
      for (; i + 4 <= inner; i += 4) columnArgExtremes(base + (<usize>i << 2), rowBytes, n, o + (<usize>i << 2), 4, op == ARGMAX);
      for (; i < inner; i++) columnArgExtremes(base + (<usize>i << 2), rowBytes, n, o + (<usize>i << 2), 1, op == ARGMAX);
    }
  }
}

/**
 * Reduction `op` of the [lead, outer, count, inner] float32 values at `a` over the count axis and
 * the leading one into the outer·inner values at `out`. count and lead must be positive except for
 * sum (0 gives zeros); lead must be 1 for argmax and argmin.
 */
export function reduce(op: i32, a: usize, out: usize, lead: i32, outer: i32, count: i32, inner: i32): void {
  if (outer <= 0 || inner <= 0) return;
  if (count <= 0 || lead <= 0) {
    memory.fill(out, 0, <usize>outer * <usize>inner << 2);
    return;
  }
  if (inner == 1) {
    if (op == SUM) rows(SUM, a, out, lead, outer, count);
    else if (op == MEAN) rows(MEAN, a, out, lead, outer, count);
    else if (op == MAX) rows(MAX, a, out, lead, outer, count);
    else if (op == MIN) rows(MIN, a, out, lead, outer, count);
    else if (op == ARGMAX) rows(ARGMAX, a, out, lead, outer, count);
    else rows(ARGMIN, a, out, lead, outer, count);
  } else {
    if (op == SUM) columns(SUM, a, out, lead, outer, count, inner);
    else if (op == MEAN) columns(MEAN, a, out, lead, outer, count, inner);
    else if (op == MAX) columns(MAX, a, out, lead, outer, count, inner);
    else if (op == MIN) columns(MIN, a, out, lead, outer, count, inner);
    else if (op == ARGMAX) columns(ARGMAX, a, out, lead, outer, count, inner);
    else columns(ARGMIN, a, out, lead, outer, count, inner);
  }
}

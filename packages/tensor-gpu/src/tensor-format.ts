import { fmt, sizeOf, stridesOf, type Shape } from './shape';

/** How {@link formatTensorValues} abbreviates and prints values (PyTorch's print options). */
export interface TensorPrintOptions {
  /** Tensors with more elements than this are abbreviated (default 1000). */
  threshold: number;
  /** Entries shown at each end of an abbreviated axis (default 3). */
  edgeItems: number;
  /** Digits after the decimal point (default 4). */
  precision: number;
}

/** The defaults of {@link TensorPrintOptions}, as in PyTorch. */
export const DEFAULT_PRINT_OPTIONS: Readonly<TensorPrintOptions> = Object.freeze({ threshold: 1000, edgeItems: 3, precision: 4 });

/** Indices of an axis to show: all of them, or the first and last `edge` with `null` for the gap. */
function shownIndices(length: number, abbreviate: boolean, edge: number): (number | null)[] {
  if (!abbreviate || length <= 2 * edge) return Array.from({ length }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), null, ...Array.from({ length: edge }, (_, i) => length - edge + i)];
}

/** Flat offsets of every value that will be printed (abbreviated axes skip their middle). */
function shownOffsets(shape: Shape, abbreviate: boolean, edge: number): number[] {
  const strides = stridesOf(shape);
  let offsets = [0];
  shape.forEach((length, axis) => {
    const shown = shownIndices(length, abbreviate, edge).filter((i): i is number => i !== null);
    offsets = offsets.flatMap((o) => shown.map((i) => o + i * strides[axis]));
  });
  return offsets;
}

/**
 * One number format for all printed values, so columns line up: fixed `precision` decimals, or
 * scientific notation when fixed would hide them (magnitudes ≥ 1e8, or non-zero ones < 1e-4).
 */
function numberFormat(values: readonly number[], precision: number): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const scientific = finite.length > 0 && (Math.max(...finite) >= 1e8 || Math.min(...finite) < 1e-4);
  return (v) => {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return scientific ? v.toExponential(precision) : v.toFixed(precision);
  };
}

/**
 * Prints the values of a tensor of `shape` as nested brackets, row-major `values` as read from the
 * device. Above `threshold` elements each axis longer than `2·edgeItems` shows its first and last
 * `edgeItems` entries around `...`. Numbers share one fixed-precision format and are right-aligned
 * to one width; inner rows are indented under their opening bracket.
 */
export function formatTensorValues(shape: Shape, values: ArrayLike<number>, options: TensorPrintOptions = DEFAULT_PRINT_OPTIONS): string {
  const { threshold, edgeItems, precision } = options;
  const abbreviate = sizeOf(shape) > threshold;
  const format = numberFormat(shownOffsets(shape, abbreviate, edgeItems).map((o) => values[o]), precision);
  const texts = new Map<number, string>();
  for (const o of shownOffsets(shape, abbreviate, edgeItems)) texts.set(o, format(values[o]));
  const width = Math.max(0, ...[...texts.values()].map((s) => s.length));
  const strides = stridesOf(shape);

  const render = (axis: number, offset: number, indent: number): string => {
    if (axis === shape.length) return texts.get(offset)!.padStart(width);
    const shown = shownIndices(shape[axis], abbreviate, edgeItems);
    const parts = shown.map((i) => (i === null ? '...' : render(axis + 1, offset + i * strides[axis], indent + 1)));
    const innermost = axis === shape.length - 1;
    // Rows of the axis before the last are separated by one newline, outer blocks by a blank line (as PyTorch).
    const separator = innermost ? ', ' : `,${'\n'.repeat(shape.length - axis - 1)}${' '.repeat(indent + 1)}`;
    return `[${parts.join(separator)}]`;
  };
  return render(0, 0, 0);
}

/**
 * The text of `String(tensor)`: a header `Tensor float32 [2,3]` and, below it, the values when
 * `values` is given; otherwise `unreadable` in parentheses after the header (why the values are not
 * shown, e.g. they are still on a GPU).
 */
export function describeTensor(dtype: string, shape: Shape, values: ArrayLike<number> | null, unreadable: string, options?: TensorPrintOptions): string {
  const header = `Tensor ${dtype} ${fmt(shape)}`;
  if (values === null) return `${header} (${unreadable})`;
  return `${header}\n${formatTensorValues(shape, values, options)}`;
}

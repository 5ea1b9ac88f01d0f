/**
 * Parsers for experiment options (see `ExperimentOptionSpec.parse`): each turns the raw text into a
 * value or throws an Error saying what was expected, which the command prints before exiting with 2.
 */

/** An integer from 1 to `max`. */
export function positiveInt(max: number): (raw: string) => number {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`expected an integer from 1 to ${max}, got '${raw}'`);
    return n;
  };
}

/** A finite number greater than 0. */
export function positiveNumber(raw: string): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`expected a number > 0, got '${raw}'`);
  return v;
}

/** A comma-separated list of integers from 1 to `max`. */
export function positiveIntList(max: number): (raw: string) => number[] {
  return (raw: string): number[] => {
    const values = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1 || n > max)) {
      throw new Error(`expected a comma-separated list of integers from 1 to ${max}, got '${raw}'`);
    }
    return values;
  };
}

/** A comma-separated list of finite numbers greater than 0. */
export function positiveNumberList(raw: string): number[] {
  const values = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`expected a comma-separated list of numbers > 0, got '${raw}'`);
  return values;
}

/** One of `values`. */
export function oneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw: string): T => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}, got '${raw}'`);
    return raw as T;
  };
}

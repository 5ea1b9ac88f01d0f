/**
 * Element type of a tensor. `'float16'` is emulated: values are stored as float32 but every
 * kernel that produces a float16 tensor rounds its results to IEEE binary16.
 */
export type DType = 'float32' | 'float16';

/** True when `d` names a supported dtype. */
export function isDType(d: unknown): d is DType {
  return d === 'float32' || d === 'float16';
}

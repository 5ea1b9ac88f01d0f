/**
 * Learning-rate schedules: functions of a count (the optimizer's step count when passed as `lr`,
 * or an epoch index through {@link perEpoch}), with PyTorch's `StepLR` / `MultiStepLR` semantics.
 */

/** A learning rate as a function of a step or epoch count (0 for the first). */
export type Schedule = (count: number) => number;

function checkPositiveNumber(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${fn}: ${name} must be a finite number ≥ 0, got ${String(value)}`);
}

function checkCount(fn: string, count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new Error(`${fn}: the step or epoch count must be a non-negative integer, got ${String(count)}`);
}

/** The same learning rate at every count. */
export function constantLr(value: number): Schedule {
  checkPositiveNumber('constantLr', 'value', value);
  return (count) => {
    checkCount('constantLr', count);
    return value;
  };
}

/** Options of {@link stepLr}. */
export interface StepLrOptions {
  /** Counts between decays (a positive integer). */
  stepSize: number;
  /** Factor applied at each decay (default 0.1). */
  gamma?: number;
}

/** `base · gamma^⌊count / stepSize⌋` (PyTorch's `StepLR`). */
export function stepLr(base: number, options: StepLrOptions): Schedule {
  checkPositiveNumber('stepLr', 'base', base);
  const { stepSize } = options;
  const gamma = options.gamma ?? 0.1;
  if (!Number.isInteger(stepSize) || stepSize < 1) throw new Error(`stepLr: stepSize must be a positive integer, got ${String(stepSize)}`);
  checkPositiveNumber('stepLr', 'gamma', gamma);
  return (count) => {
    checkCount('stepLr', count);
    return base * Math.pow(gamma, Math.floor(count / stepSize));
  };
}

/** Options of {@link multiStepLr}. */
export interface MultiStepLrOptions {
  /** Counts at which the rate decays, increasing non-negative integers. */
  milestones: readonly number[];
  /** Factor applied at each milestone (default 0.1). */
  gamma?: number;
}

/** `base · gamma^(number of milestones ≤ count)` (PyTorch's `MultiStepLR`). */
export function multiStepLr(base: number, options: MultiStepLrOptions): Schedule {
  checkPositiveNumber('multiStepLr', 'base', base);
  const milestones = [...options.milestones];
  const gamma = options.gamma ?? 0.1;
  milestones.forEach((m, i) => {
    if (!Number.isInteger(m) || m < 0 || (i > 0 && m <= milestones[i - 1])) {
      throw new Error(`multiStepLr: milestones must be increasing non-negative integers, got ${JSON.stringify(options.milestones)}`);
    }
  });
  checkPositiveNumber('multiStepLr', 'gamma', gamma);
  return (count) => {
    checkCount('multiStepLr', count);
    let passed = 0;
    while (passed < milestones.length && milestones[passed] <= count) passed++;
    return base * Math.pow(gamma, passed);
  };
}

/**
 * Drives an epoch schedule by the optimizer's step count: `schedule(⌊step / stepsPerEpoch⌋)`.
 * Use it to pass an epoch-based schedule as an optimizer's `lr`.
 */
export function perEpoch(schedule: Schedule, stepsPerEpoch: number): Schedule {
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch < 1) throw new Error(`perEpoch: stepsPerEpoch must be a positive integer, got ${String(stepsPerEpoch)}`);
  return (step) => {
    checkCount('perEpoch', step);
    return schedule(Math.floor(step / stepsPerEpoch));
  };
}

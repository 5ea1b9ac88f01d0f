import type { Module } from './module';

/** Number of parameter values of a module (trainable or not; running statistics excluded). */
export function countParameters(module: Module): number {
  return module.parameters().reduce((n, p) => n + p.value.size, 0);
}

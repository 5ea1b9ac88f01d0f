import { defaultEngine } from '../default-engine';
import type { Engine } from '../engine';
import type { Module } from '../nn/module';

/** The engine that owns the model's parameters (the default engine for a model without any). */
export function engineOfModel(model: Module, fn: string): Engine {
  if (!model || typeof model.forward !== 'function' || typeof model.parameters !== 'function') {
    throw new Error(`${fn}: model must be a Module (with forward and parameters)`);
  }
  const first = model.parameters()[0];
  return first ? first.value.engine : defaultEngine;
}

import type { Parameter } from '../nn/parameter';
import type { Tensor } from '../tensor';
import type { Optimizer } from './optimizer';
import type { StateStore } from './state';
import { loadOptimizerState, saveOptimizerState } from './state-dict';
import { checkStepArguments } from './step-checks';

/** The parts of an optimizer that updates each parameter on its own (see {@link perParameterOptimizer}). */
export interface PerParameterRule<R> {
  /** Short name, used in errors. */
  name: string;
  /** The rate(s) of the step that follows `step` earlier ones; throws for a bad schedule value. */
  rate(step: number): R;
  /** The learning rate `learningRate()` reports for a rate. */
  reported(rate: R): number;
  /** Checks every parameter to update before any is changed (optional). */
  check?(params: readonly Parameter[], active: readonly number[]): void;
  /** Updates one parameter from its gradient, replacing its state in `store`. */
  update(param: Parameter, grad: Tensor, rate: R): void;
  /** The optimizer's state tensors. */
  store: StateStore;
  /** Names of the tensors `update` stores per parameter (saved in the state dict; none for plain SGD). */
  stateKeys: readonly string[];
  /** Updates applied to each parameter, for rules that count them per parameter (saved in the state dict). */
  counts?: Map<Parameter, number>;
  /** Frees anything else the rule holds (optional). */
  release?(): void;
}

/**
 * An {@link Optimizer} from a per-parameter update rule: the step count, the learning-rate
 * schedule, the argument checks (before anything changes), the state and its disposal, shared by
 * SGD, Adam and packed Adam.
 */
export function perParameterOptimizer<R>(rule: PerParameterRule<R>): Optimizer {
  let stepCount = 0;
  const saved = { owner: rule.name, stateKeys: rule.stateKeys, store: rule.store, counts: rule.counts };
  return {
    name: rule.name,
    get stepCount() {
      return stepCount;
    },
    learningRate: () => rule.reported(rule.rate(stepCount)),
    step(params, grads) {
      rule.store.assertLive();
      const active = checkStepArguments(rule.name, params, grads);
      const rate = rule.rate(stepCount);
      rule.check?.(params, active);
      for (const i of active) rule.update(params[i], grads[i], rate);
      stepCount++;
    },
    state: (param) => rule.store.get(param),
    stateDict: (params) => saveOptimizerState(saved, stepCount, params),
    loadStateDict(params, dict) {
      stepCount = loadOptimizerState(saved, params, dict);
    },
    dispose: () => {
      rule.store.dispose();
      rule.release?.();
    },
  };
}

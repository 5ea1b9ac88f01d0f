import * as t from '@nnlab/tensor-gpu';
import type { BackwardPass } from './backward-pass';
import { fork, join } from './branches';
import { passThrough } from './pass-through';
import { mixedConv2d, mixedLinear } from './scaled-layers';

/** A model's forward pass in mixed precision: float16 in, float16 out, scales recorded in `pass`. */
export type MixedForward = (x: t.Tensor, pass: BackwardPass) => t.Tensor;

/** What converting a model found. */
export interface MixedStructure {
  /** The forward pass. */
  forward: MixedForward;
  /** Linear and Conv2d layers that scale their gradients, by dotted name, in forward order. */
  scaledLayers: string[];
  /** Modules run as a whole (their parameter gradients are unscaled after the backward pass). */
  wholeModules: Map<string, t.nn.Parameter[]>;
}

function usesForwardOf(m: t.nn.Module, cls: { prototype: { forward: unknown } }): boolean {
  return m.forward === cls.prototype.forward;
}

/**
 * Walks a model and builds its mixed-precision forward pass. Linear and Conv2d layers scale their
 * gradients; Sequential chains its children; Residual (and ResNet's BasicBlock) fork the input and
 * merge the branch gradients at a common scale; every other module (activations, pooling, Flatten,
 * BatchNorm, subclasses with their own forward) runs as a whole, carrying the scale across it.
 */
export function convertModel(model: t.nn.Module): MixedStructure {
  if (!(model instanceof t.nn.Module)) throw new Error('mixed precision: model must be a tensor-gpu nn.Module');
  const scaledLayers: string[] = [];
  const wholeModules = new Map<string, t.nn.Parameter[]>();
  const seen = new Set<t.nn.Module>();

  const visit = (m: t.nn.Module, name: string): MixedForward => {
    if (seen.has(m)) throw new Error(`mixed precision: module '${name}' appears twice in the model; shared modules are not supported`);
    seen.add(m);
    const label = name === '' ? '(model)' : name;
    const child = (sub: string) => (name === '' ? sub : `${name}.${sub}`);
    if (m instanceof t.nn.Linear && usesForwardOf(m, t.nn.Linear)) {
      scaledLayers.push(label);
      return (x, pass) => mixedLinear(m, label, pass, x);
    }
    if (m instanceof t.nn.Conv2d && usesForwardOf(m, t.nn.Conv2d)) {
      scaledLayers.push(label);
      return (x, pass) => mixedConv2d(m, label, pass, x);
    }
    if (m instanceof t.nn.Sequential && usesForwardOf(m, t.nn.Sequential)) {
      const steps = m.namedChildren().map(([n, c]) => visit(c, child(n)));
      return (x, pass) => steps.reduce((y, f) => f(y, pass), x);
    }
    if (m instanceof t.nn.Residual && (usesForwardOf(m, t.nn.Residual) || (m instanceof t.nn.BasicBlock && usesForwardOf(m, t.nn.BasicBlock)))) {
      const body = visit(m.body, child('body'));
      const shortcut = m.shortcut ? visit(m.shortcut, child('shortcut')) : null;
      const activation = m instanceof t.nn.BasicBlock ? child('relu') : null;
      if (activation) wholeModules.set(activation, []);
      return (x, pass) => {
        const [main, skip] = fork(x, pass);
        const sum = join(body(main, pass), shortcut ? shortcut(skip, pass) : skip, pass);
        return activation ? passThrough(activation, pass, sum, t.relu) : sum;
      };
    }
    wholeModules.set(label, m.parameters());
    return (x, pass) => passThrough(label, pass, x, (a) => m.forward(a));
  };

  const forward = visit(model, '');
  return { forward, scaledLayers, wholeModules };
}

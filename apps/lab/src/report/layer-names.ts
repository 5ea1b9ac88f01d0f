/**
 * Names for a model's layers that a reader recognises: `fc1 784→100`, `conv2 6→16 5×5`, instead of
 * the module paths (`0`, `2`, `4`) under which a Sequential registers them. Experiments record
 * them in their measurement, so that a report rendered again from report.json shows the same names.
 */
import type * as t from '@nnlab/tensor-gpu';

/** What the weight's shape says about a layer: its kind and size. */
function kindOf(shape: readonly number[]): { prefix: string; size: string } {
  if (shape.length === 2) return { prefix: 'fc', size: `${shape[1]}→${shape[0]}` };
  if (shape.length === 4) return { prefix: 'conv', size: `${shape[1]}→${shape[0]} ${shape[2]}×${shape[3]}` };
  if (shape.length === 1) return { prefix: 'norm', size: `${shape[0]}` };
  return { prefix: 'layer', size: shape.join('×') };
}

/**
 * The readable name of every layer of `model` that has a weight, keyed by its module path (the
 * parameter name without `.weight`): fully connected layers `fc1, fc2, …` and convolutions
 * `conv1, …` numbered in order, each with its input→output size.
 */
export function layerNames(model: t.nn.Module): Record<string, string> {
  const names: Record<string, string> = {};
  const counts = new Map<string, number>();
  for (const [name, p] of model.namedParameters()) {
    if (name !== 'weight' && !name.endsWith('.weight')) continue;
    const path = name === 'weight' ? '' : name.slice(0, -'.weight'.length);
    const { prefix, size } = kindOf(p.value.shape);
    const n = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, n);
    names[path] = `${prefix}${n} ${size}`;
  }
  return names;
}

/**
 * The readable name of the layer at module path `path`; throws when `names` has none, so that a
 * figure never falls back to a bare index.
 */
export function layerName(names: Readonly<Record<string, string>>, path: string): string {
  const name = names[path];
  if (name === undefined) throw new Error(`layer '${path}' has no recorded name (known: ${Object.keys(names).join(', ') || 'none'})`);
  return name;
}

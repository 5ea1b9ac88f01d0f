import * as t from '@nnlab/tensor-gpu';

/** One layer of an {@link Architecture}. Layers with parameters are packed; the others act on every model's activations. */
export type LayerSpec =
  | { kind: 'linear'; in: number; out: number }
  | { kind: 'conv2d'; in: number; out: number; kernel: number; stride?: number; padding?: number }
  | { kind: 'maxpool2d'; kernel: number; stride?: number }
  | { kind: 'relu' }
  | { kind: 'tanh' }
  | { kind: 'sigmoid' }
  | { kind: 'flatten' };

/**
 * A sequential network described as data, so that the same description builds one model
 * ({@link buildModel}) or K models packed on a leading model axis ({@link buildPackedModel}).
 */
export interface Architecture {
  /** A name that identifies the architecture (models with different names are never fused). */
  name: string;
  /** Shape of one input sample, e.g. `[784]` or `[1, 28, 28]`. */
  inputShape: readonly number[];
  /** The layers, in order. */
  layers: readonly LayerSpec[];
}

const ACTIVATIONS = new Set(['relu', 'tanh', 'sigmoid', 'flatten', 'maxpool2d']);

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${what} must be a positive integer, got ${String(v)}`);
  return v as number;
}

/**
 * The output shape (per sample) after every layer; throws a clear Error when the layers do not fit
 * together or a layer is malformed.
 */
export function layerShapes(architecture: Architecture): number[][] {
  if (!architecture || typeof architecture !== 'object' || !Array.isArray(architecture.layers)) {
    throw new Error('architecture must be { name, inputShape, layers: LayerSpec[] }');
  }
  if (typeof architecture.name !== 'string' || architecture.name === '') throw new Error('architecture.name must be a non-empty string');
  const input = architecture.inputShape;
  if (!Array.isArray(input) || input.length === 0) throw new Error(`architecture.inputShape must be a non-empty array, got ${JSON.stringify(input)}`);
  input.forEach((d, i) => positiveInt(d, `architecture.inputShape[${i}]`));
  if (architecture.layers.length === 0) throw new Error('architecture.layers must not be empty');
  let shape = [...input];
  const out: number[][] = [];
  architecture.layers.forEach((layer, i) => {
    const where = `architecture.layers[${i}] (${(layer as { kind?: string })?.kind})`;
    switch (layer?.kind) {
      case 'linear':
        positiveInt(layer.in, `${where}.in`);
        positiveInt(layer.out, `${where}.out`);
        if (shape.length !== 1 || shape[0] !== layer.in) throw new Error(`${where}: expects [${layer.in}] per sample, gets [${shape}]`);
        shape = [layer.out];
        break;
      case 'conv2d': {
        positiveInt(layer.in, `${where}.in`);
        positiveInt(layer.out, `${where}.out`);
        positiveInt(layer.kernel, `${where}.kernel`);
        const stride = positiveInt(layer.stride ?? 1, `${where}.stride`);
        const padding = layer.padding ?? 0;
        if (!Number.isInteger(padding) || padding < 0) throw new Error(`${where}.padding must be an integer ≥ 0, got ${padding}`);
        if (shape.length !== 3 || shape[0] !== layer.in) throw new Error(`${where}: expects [${layer.in}, H, W] per sample, gets [${shape}]`);
        const size = (d: number) => Math.floor((d + 2 * padding - layer.kernel) / stride) + 1;
        shape = [layer.out, size(shape[1]), size(shape[2])];
        if (shape[1] < 1 || shape[2] < 1) throw new Error(`${where}: the kernel is larger than the padded input`);
        break;
      }
      case 'maxpool2d': {
        positiveInt(layer.kernel, `${where}.kernel`);
        const stride = positiveInt(layer.stride ?? layer.kernel, `${where}.stride`);
        if (shape.length !== 3) throw new Error(`${where}: expects [C, H, W] per sample, gets [${shape}]`);
        const size = (d: number) => Math.floor((d - layer.kernel) / stride) + 1;
        shape = [shape[0], size(shape[1]), size(shape[2])];
        if (shape[1] < 1 || shape[2] < 1) throw new Error(`${where}: the window is larger than the input`);
        break;
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'relu':
      case 'tanh':
      case 'sigmoid':
        break;
      default:
        throw new Error(`${where}: unknown layer kind; expected one of linear, conv2d, ${[...ACTIVATIONS].join(', ')}`);
    }
    out.push(shape);
  });
  if (shape.length !== 1) throw new Error(`architecture '${architecture.name}' must end in class logits [C], ends in [${shape}]`);
  return out;
}

/** Number of classes (the width of the last layer's output). */
export function classesOf(architecture: Architecture): number {
  const shapes = layerShapes(architecture);
  return shapes[shapes.length - 1][0];
}

/** Values per input sample. */
export function sampleSize(architecture: Architecture): number {
  return architecture.inputShape.reduce((a, b) => a * b, 1);
}

/** Number of trainable parameters of one model. */
export function parameterCount(architecture: Architecture): number {
  layerShapes(architecture);
  let n = 0;
  for (const l of architecture.layers) {
    if (l.kind === 'linear') n += l.out * l.in + l.out;
    if (l.kind === 'conv2d') n += l.out * l.in * l.kernel * l.kernel + l.out;
  }
  return n;
}

/** The tensor-gpu module of a layer without parameters (activation, pooling, flatten). */
export function parameterFree(layer: LayerSpec): t.nn.Module {
  switch (layer.kind) {
    case 'relu':
      return new t.nn.ReLU();
    case 'tanh':
      return new t.nn.Tanh();
    case 'sigmoid':
      return new t.nn.Sigmoid();
    case 'flatten':
      return new t.nn.Flatten();
    case 'maxpool2d':
      return new t.nn.MaxPool2d(layer.kernel, { stride: layer.stride ?? layer.kernel });
    default:
      throw new Error(`layer kind '${layer.kind}' has parameters`);
  }
}

/** Throws naming `what` unless `seed` is an integer; returns it. */
export function checkSeed(seed: unknown, what: string): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`${what} must be an integer, got ${String(seed)}`);
  return seed >>> 0;
}

/**
 * One model of the architecture. Layer i with parameters is seeded with the i-th seed derived
 * from `seed` (tensor-gpu's `SeedSequence`), the rule of tensor-gpu's model builders, so
 * `buildModel(lenet5Architecture(), s)` starts exactly as `t.nn.lenet5({ seed: s })`.
 */
export function buildModel(architecture: Architecture, seed: number): t.nn.Sequential {
  layerShapes(architecture);
  const seeds = new t.nn.SeedSequence(checkSeed(seed, 'buildModel: seed'));
  return new t.nn.Sequential(
    ...architecture.layers.map((l) => {
      if (l.kind === 'linear') return new t.nn.Linear(l.in, l.out, { seed: seeds.next() });
      if (l.kind === 'conv2d') return new t.nn.Conv2d(l.in, l.out, l.kernel, { stride: l.stride ?? 1, padding: l.padding ?? 0, seed: seeds.next() });
      return parameterFree(l);
    }),
  );
}

/** A ReLU MLP through `widths` (e.g. `[784, 256, 10]`), for flattened inputs `[widths[0]]`. */
export function mlpArchitecture(widths: readonly number[], name = `mlp-${widths.join('-')}`): Architecture {
  if (!Array.isArray(widths) || widths.length < 2) throw new Error(`mlpArchitecture: widths must list at least input and output sizes, got ${JSON.stringify(widths)}`);
  widths.forEach((w, i) => positiveInt(w, `mlpArchitecture: widths[${i}]`));
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    if (i > 0) layers.push({ kind: 'relu' });
    layers.push({ kind: 'linear', in: widths[i], out: widths[i + 1] });
  }
  return { name, inputShape: [widths[0]], layers };
}

/** tensor-gpu's LeNet-5 (`t.nn.lenet5`) for `[1, 28, 28]` images: 61,706 parameters. */
export function lenet5Architecture(): Architecture {
  return {
    name: 'lenet5',
    inputShape: [1, 28, 28],
    layers: [
      { kind: 'conv2d', in: 1, out: 6, kernel: 5, padding: 2 },
      { kind: 'relu' },
      { kind: 'maxpool2d', kernel: 2 },
      { kind: 'conv2d', in: 6, out: 16, kernel: 5 },
      { kind: 'relu' },
      { kind: 'maxpool2d', kernel: 2 },
      { kind: 'flatten' },
      { kind: 'linear', in: 400, out: 120 },
      { kind: 'relu' },
      { kind: 'linear', in: 120, out: 84 },
      { kind: 'relu' },
      { kind: 'linear', in: 84, out: 10 },
    ],
  };
}

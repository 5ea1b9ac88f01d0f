/**
 * The OVAL CIFAR network format (Lu & Kumar's base model as distributed with this project): a JSON
 * description (`layers` of type `conv2d`, `relu`, `flatten`, `linear`, with shapes and byte ranges)
 * and a file of float32 little-endian weights. Every field is checked against the others and
 * against the weights file's length, and the parameter count against a limit, before anything is
 * allocated; every error names the file and the field.
 */
import { createConv2dLayer, convOutputLength } from '../network/conv';
import { validateNetwork, type AffineLayer, type ReluNetwork } from '../network/network';

/** A network read from the OVAL format, with its input normalisation. */
export interface OvalModel {
  /** Model name (the JSON's `name`). */
  readonly name: string;
  /** The network, on normalised inputs `[C, H, W]` flattened row-major. */
  readonly network: ReluNetwork;
  /** Input shape `[C, H, W]`. */
  readonly inputShape: readonly [number, number, number];
  /** Per-channel mean of the normalisation `x = (pixel − mean) / std`. */
  readonly mean: readonly number[];
  /** Per-channel standard deviation of the normalisation. */
  readonly std: readonly number[];
}

/** Largest JSON description accepted by default (the base model's is 4 KiB). */
export const MAX_OVAL_JSON_BYTES = 1 << 20;
/** Most parameters accepted by default (the base model has 105,966). */
export const MAX_OVAL_PARAMETERS = 16_000_000;

/** Most convolution connections (outputs × kernel size, summed) accepted by default (the base model has 229,376). */
export const MAX_OVAL_CONNECTIONS = 20_000_000;

/** Settings of {@link parseOvalModel}. */
export interface ParseOvalModelOptions {
  /** Most characters of JSON (default {@link MAX_OVAL_JSON_BYTES}); checked before parsing. */
  maxJsonBytes?: number;
  /** Most weights and biases (default {@link MAX_OVAL_PARAMETERS}); checked before allocating. */
  maxParameters?: number;
  /** Most convolution connections (default {@link MAX_OVAL_CONNECTIONS}); checked before allocating. */
  maxConnections?: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses an OVAL model from its JSON text and its weights file.
 *
 * @param jsonText - the `<model>.json` file's text.
 * @param weights - the `<model>.weights.bin` file's bytes.
 * @param names - file names for error messages.
 * @throws Error naming the file and field for anything malformed, inconsistent or too large.
 */
export function parseOvalModel(jsonText: string, weights: Uint8Array, names: { json: string; weights: string }, options: ParseOvalModelOptions = {}): OvalModel {
  const fail = (field: string, problem: string): never => {
    throw new Error(`${names.json}: ${field}: ${problem}`);
  };
  const maxJson = options.maxJsonBytes ?? MAX_OVAL_JSON_BYTES;
  const maxParameters = options.maxParameters ?? MAX_OVAL_PARAMETERS;
  const maxConnections = options.maxConnections ?? MAX_OVAL_CONNECTIONS;
  let connections = 0;
  if (typeof jsonText !== 'string') fail('(file)', 'expected the JSON text');
  if (jsonText.length > maxJson) fail('(file)', `${jsonText.length} characters, more than the limit of ${maxJson}`);
  if (!(weights instanceof Uint8Array)) throw new Error(`${names.weights}: expected the file's bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(jsonText);
  } catch (e) {
    return fail('(file)', `not valid JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (!isObject(doc)) return fail('(file)', 'expected a JSON object');
  const name = typeof doc.name === 'string' ? doc.name.slice(0, 200) : fail('name', 'expected a string');
  const shapeOf = (v: unknown, field: string, rank: number): number[] => {
    if (!Array.isArray(v) || v.length !== rank || !v.every((d) => Number.isInteger(d) && d > 0 && d <= 1 << 24)) fail(field, `expected ${rank} positive integers`);
    return v as number[];
  };
  const input = isObject(doc.input) ? doc.input : fail('input', 'expected an object');
  const [batch, c, h, w] = shapeOf(input.shape, 'input.shape', 4);
  if (batch !== 1) fail('input.shape', `batch must be 1, got ${batch}`);
  if (c * h * w > 1 << 24) fail('input.shape', 'too many inputs');
  const norm = isObject(doc.normalisation) ? doc.normalisation : fail('normalisation', 'expected an object');
  const perChannel = (v: unknown, field: string, positive: boolean): number[] => {
    if (!Array.isArray(v) || v.length !== c || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) fail(field, `expected ${c} finite numbers${positive ? ' > 0' : ''}`);
    return v as number[];
  };
  const mean = perChannel(norm.mean, 'normalisation.mean', false);
  const std = perChannel(norm.std, 'normalisation.std', true);
  const rawLayers: unknown[] = Array.isArray(doc.layers) && doc.layers.length > 0 && doc.layers.length <= 1000 ? doc.layers : fail('layers', 'expected a non-empty array (at most 1000 layers)');

  // First pass: shapes, kinds and byte ranges only, so that sizes are known before allocating.
  type Plan = { kind: 'conv2d' | 'linear'; field: string; inShape: number[]; outShape: number[]; wShape: number[]; wOffset: number; bOffset: number; kernel?: number[]; stride?: number[]; padding?: number[] };
  const plans: Plan[] = [];
  let shape: number[] = [c, h, w];
  let parameters = 0;
  let reluAfter = true; // whether the previous affine layer was followed by a ReLU (vacuous at the start)
  const sizeOf = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const tensorRange = (v: unknown, field: string, expected: number[]): number => {
    if (!isObject(v)) return fail(field, 'expected an object');
    const s = shapeOf(v.shape, `${field}.shape`, expected.length);
    if (s.some((d, i) => d !== expected[i])) fail(`${field}.shape`, `expected [${expected.join(', ')}], got [${s.join(', ')}]`);
    const count = sizeOf(s);
    if (v.count !== count) fail(`${field}.count`, `expected ${count}`);
    if (v.byte_length !== 4 * count) fail(`${field}.byte_length`, `expected ${4 * count}`);
    parameters += count;
    if (parameters > maxParameters) fail(field, `more than the limit of ${maxParameters} parameters`);
    const offset = v.byte_offset;
    if (!Number.isInteger(offset) || (offset as number) < 0 || (offset as number) % 4 !== 0) fail(`${field}.byte_offset`, 'expected a non-negative multiple of 4');
    if ((offset as number) + 4 * count > weights.length) throw new Error(`${names.weights}: ${field} needs bytes ${offset}..${(offset as number) + 4 * count}, the file has ${weights.length}`);
    return offset as number;
  };
  rawLayers.forEach((raw, k) => {
    const field = `layers[${k}]`;
    if (!isObject(raw)) return fail(field, 'expected an object');
    const inShape = shapeOf(raw.in_shape, `${field}.in_shape`, shape.length);
    if (inShape.some((d, i) => d !== shape[i])) fail(`${field}.in_shape`, `expected [${shape.join(', ')}] (the previous layer's output), got [${inShape.join(', ')}]`);
    switch (raw.type) {
      case 'relu': {
        shapeOf(raw.out_shape, `${field}.out_shape`, shape.length).forEach((d, i) => d !== shape[i] && fail(`${field}.out_shape`, 'must equal in_shape'));
        if (plans.length === 0 || reluAfter) fail(`${field}.type`, 'a ReLU must follow a conv2d or linear layer directly (flatten between is fine)');
        reluAfter = true;
        return;
      }
      case 'flatten': {
        const out = shapeOf(raw.out_shape, `${field}.out_shape`, 1);
        if (out[0] !== sizeOf(shape)) fail(`${field}.out_shape`, `expected [${sizeOf(shape)}]`);
        shape = out;
        return;
      }
      case 'conv2d': {
        if (!reluAfter) fail(`${field}.type`, 'only the last affine layer may lack a ReLU');
        if (shape.length !== 3) fail(`${field}.in_shape`, 'a conv2d needs [C, H, W] input');
        const kernel = shapeOf(raw.kernel_size, `${field}.kernel_size`, 2);
        const stride = shapeOf(raw.stride, `${field}.stride`, 2);
        const padding = raw.padding;
        if (!Array.isArray(padding) || padding.length !== 2 || !padding.every((p) => Number.isInteger(p) && p >= 0 && p <= 1 << 16)) fail(`${field}.padding`, 'expected 2 integers ≥ 0');
        if (raw.groups !== undefined && raw.groups !== 1) fail(`${field}.groups`, 'only groups = 1 is supported');
        if (raw.dilation !== undefined && !(Array.isArray(raw.dilation) && raw.dilation.length === 2 && raw.dilation.every((d) => d === 1))) fail(`${field}.dilation`, 'only dilation [1, 1] is supported');
        const out = shapeOf(raw.out_shape, `${field}.out_shape`, 3);
        const oh = convOutputLength(shape[1], kernel[0], stride[0], (padding as number[])[0]);
        const ow = convOutputLength(shape[2], kernel[1], stride[1], (padding as number[])[1]);
        if (out[1] !== oh || out[2] !== ow) fail(`${field}.out_shape`, `the kernel, stride and padding give ${oh}×${ow}, not ${out[1]}×${out[2]}`);
        const wShape = [out[0], shape[0], kernel[0], kernel[1]];
        connections += sizeOf(out) * shape[0] * kernel[0] * kernel[1];
        if (connections > maxConnections) fail(field, `more than the limit of ${maxConnections} convolution connections`);
        const wOffset = tensorRange(raw.weight, `${field}.weight`, wShape);
        const bOffset = tensorRange(raw.bias, `${field}.bias`, [out[0]]);
        plans.push({ kind: 'conv2d', field, inShape: shape, outShape: out, wShape, wOffset, bOffset, kernel, stride, padding: padding as number[] });
        shape = out;
        reluAfter = false;
        return;
      }
      case 'linear': {
        if (!reluAfter) fail(`${field}.type`, 'only the last affine layer may lack a ReLU');
        if (shape.length !== 1) fail(`${field}.in_shape`, 'a linear layer needs a flat input (flatten first)');
        const out = shapeOf(raw.out_shape, `${field}.out_shape`, 1);
        const wShape = [out[0], shape[0]];
        const wOffset = tensorRange(raw.weight, `${field}.weight`, wShape);
        const bOffset = tensorRange(raw.bias, `${field}.bias`, [out[0]]);
        plans.push({ kind: 'linear', field, inShape: shape, outShape: out, wShape, wOffset, bOffset });
        shape = out;
        reluAfter = false;
        return;
      }
      default:
        return fail(`${field}.type`, `expected 'conv2d', 'relu', 'flatten' or 'linear', got ${JSON.stringify(raw.type)?.slice(0, 40)}`);
    }
  });
  if (plans.length === 0) fail('layers', 'no conv2d or linear layer');
  if (reluAfter) fail('layers', 'the last affine layer must not be followed by a ReLU (its outputs are the logits)');
  if (doc.weights_bytes !== undefined && doc.weights_bytes !== weights.length) throw new Error(`${names.weights}: ${weights.length} bytes, the JSON's weights_bytes says ${String(doc.weights_bytes).slice(0, 20)}`);

  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const read = (offset: number, count: number, field: string): Float64Array => {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = view.getFloat32(offset + 4 * i, true);
      if (!Number.isFinite(out[i])) throw new Error(`${names.weights}: ${field} value ${i} is not finite`);
    }
    return out;
  };
  const layers: AffineLayer[] = plans.map((p) => {
    const kernel = read(p.wOffset, sizeOf(p.wShape), `${p.field}.weight`);
    const bias = read(p.bOffset, p.outShape[0], `${p.field}.bias`);
    if (p.kind === 'linear') return { inSize: p.inShape[0], outSize: p.outShape[0], weights: kernel, bias };
    const [ic, ih, iw] = p.inShape;
    const [oc, kh, kw] = [p.wShape[0], p.wShape[2], p.wShape[3]];
    return createConv2dLayer({ inShape: [ic, ih, iw], kernel, kernelShape: [oc, ic, kh, kw], bias, stride: [p.stride![0], p.stride![1]], padding: [p.padding![0], p.padding![1]] });
  });
  const network = validateNetwork({ inputSize: c * h * w, outputSize: sizeOf(shape), layers });
  return { name, network, inputShape: [c, h, w], mean, std };
}

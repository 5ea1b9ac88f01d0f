/**
 * The `.nnet` text format (Kyle Julian, Stanford 2016; used by the ACAS Xu networks): header
 * lines, input ranges and normalisation constants, then weights and biases layer by layer.
 * Every error names the line it found wrong. Only decimal numbers are accepted, and the sizes the
 * header declares are checked against the numbers the file holds (and a limit) before anything
 * is allocated for them.
 */
import { isDecimal } from '../exact/rational';
import { validateNetwork, type DenseLayer, type DenseNetwork } from '../network/network';

/** A network read from a `.nnet` file, with the normalisation constants of its header. */
export interface NnetModel {
  /** The network, working on normalised inputs and giving normalised outputs. */
  readonly network: DenseNetwork;
  /** Smallest raw value of each input (header line 4). */
  readonly inputMin: Float64Array;
  /** Largest raw value of each input (header line 5). */
  readonly inputMax: Float64Array;
  /** Mean subtracted from each raw input. */
  readonly inputMean: Float64Array;
  /** Range each raw input is divided by. */
  readonly inputRange: Float64Array;
  /** Mean added to every normalised output (one value for all outputs). */
  readonly outputMean: number;
  /** Range every normalised output is multiplied by. */
  readonly outputRange: number;
}

interface Line {
  readonly number: number;
  readonly values: number[];
}

/** Most weights and biases a network may have by default (see {@link ParseNnetOptions.maxParameters}). */
export const MAX_NNET_PARAMETERS = 50_000_000;

/** Settings of {@link parseNnet}. */
export interface ParseNnetOptions {
  /** Most weights and biases in all (default {@link MAX_NNET_PARAMETERS}); checked before allocating. */
  maxParameters?: number;
}

function dataLines(text: string, source: string): Line[] {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === '' || s.startsWith('//')) return;
    const values = s.split(',').map((tok) => tok.trim()).filter((tok) => tok !== '').map((tok) => {
      const v = isDecimal(tok) ? Number(tok) : NaN;
      if (!Number.isFinite(v)) throw new Error(`${source}: line ${i + 1}: '${tok.slice(0, 40)}' is not a finite decimal number`);
      return v;
    });
    lines.push({ number: i + 1, values });
  });
  return lines;
}

/**
 * Parses the text of a `.nnet` file.
 *
 * @param text - the file's contents.
 * @param source - a name for error messages (e.g. the file path).
 */
export function parseNnet(text: string, source = 'nnet', options: ParseNnetOptions = {}): NnetModel {
  if (typeof text !== 'string') throw new Error(`${source}: expected the file's text as a string`);
  const lines = dataLines(text, source);
  let next = 0;
  const take = (what: string, count?: number): Line => {
    const line = lines[next++];
    if (!line) throw new Error(`${source}: file ends before ${what}`);
    if (count !== undefined && line.values.length !== count) {
      throw new Error(`${source}: line ${line.number}: ${what}: expected ${count} values, got ${line.values.length}`);
    }
    return line;
  };
  const header = take('the header (numLayers,inputSize,outputSize,maxLayerSize)', 4);
  const [numLayers, inputSize, outputSize] = header.values;
  for (const [name, v] of [['numLayers', numLayers], ['inputSize', inputSize], ['outputSize', outputSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${source}: line ${header.number}: ${name} must be a positive integer, got ${v}`);
  }
  if (numLayers + 1 > lines.length) throw new Error(`${source}: line ${header.number}: ${numLayers} layers cannot fit in a file of ${lines.length} data lines`);
  const sizesLine = take('the layer sizes', numLayers + 1);
  const sizes = sizesLine.values;
  if (sizes.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${source}: line ${sizesLine.number}: layer sizes must be positive integers`);
  if (sizes[0] !== inputSize || sizes[numLayers] !== outputSize) {
    throw new Error(`${source}: line ${sizesLine.number}: layer sizes start with ${sizes[0]} and end with ${sizes[numLayers]}, but the header says ${inputSize} inputs and ${outputSize} outputs`);
  }
  take('the symmetric flag');
  const inputMin = Float64Array.from(take('the input minimums', inputSize).values);
  const inputMax = Float64Array.from(take('the input maximums', inputSize).values);
  const means = take('the means', inputSize + 1).values;
  const rangesLine = take('the ranges', inputSize + 1);
  const ranges = rangesLine.values;
  if (ranges.some((r) => r === 0)) throw new Error(`${source}: line ${rangesLine.number}: a range of 0 cannot normalise`);

  // Every weight row and bias is a line of its own: check the declared sizes against what the file
  // holds (and the limit) before allocating anything for them.
  const maxParameters = options.maxParameters ?? MAX_NNET_PARAMETERS;
  let needLines = 0;
  let needValues = 0;
  for (let k = 0; k < numLayers; k++) {
    needLines += 2 * sizes[k + 1];
    needValues += sizes[k + 1] * (sizes[k] + 1);
  }
  if (needValues > maxParameters) throw new Error(`${source}: line ${sizesLine.number}: the layer sizes declare ${needValues} parameters, more than the limit ${maxParameters}`);
  let haveValues = 0;
  for (let i = next; i < lines.length; i++) haveValues += lines[i].values.length;
  if (needLines > lines.length - next || needValues > haveValues) {
    throw new Error(`${source}: line ${sizesLine.number}: the layer sizes declare ${needValues} parameters on ${needLines} lines, but the file ends after ${haveValues} values on ${lines.length - next} lines`);
  }
  const layers: DenseLayer[] = [];
  for (let k = 0; k < numLayers; k++) {
    const inSize = sizes[k];
    const outSize = sizes[k + 1];
    const weights = new Float64Array(outSize * inSize);
    for (let i = 0; i < outSize; i++) weights.set(take(`row ${i} of the weights of layer ${k}`, inSize).values, i * inSize);
    const bias = new Float64Array(outSize);
    for (let i = 0; i < outSize; i++) bias[i] = take(`bias ${i} of layer ${k}`, 1).values[0];
    layers.push({ inSize, outSize, weights, bias });
  }
  if (next < lines.length) throw new Error(`${source}: line ${lines[next].number}: unexpected data after the last layer`);
  return {
    network: validateNetwork({ inputSize, outputSize, layers }),
    inputMin,
    inputMax,
    inputMean: Float64Array.from(means.slice(0, inputSize)),
    inputRange: Float64Array.from(ranges.slice(0, inputSize)),
    outputMean: means[inputSize],
    outputRange: ranges[inputSize],
  };
}

function row(values: ArrayLike<number>): string {
  return `${Array.from(values, (v) => String(v)).join(',')},`;
}

/** Writes a model back in `.nnet` format (numbers in shortest round-trip form: parsing gives the same model). */
export function formatNnet(model: NnetModel): string {
  const net = model.network;
  const sizes = [net.inputSize, ...net.layers.map((l) => l.outSize)];
  const out = [
    '// Neural Network File Format by Kyle Julian, Stanford 2016',
    row([net.layers.length, net.inputSize, net.outputSize, Math.max(...sizes)]),
    row(sizes),
    '0,',
    row(model.inputMin),
    row(model.inputMax),
    row([...model.inputMean, model.outputMean]),
    row([...model.inputRange, model.outputRange]),
  ];
  for (const l of net.layers) {
    for (let i = 0; i < l.outSize; i++) out.push(row(l.weights.subarray(i * l.inSize, (i + 1) * l.inSize)));
    for (let i = 0; i < l.outSize; i++) out.push(row([l.bias[i]]));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Normalises a raw input as the network expects: `(x − mean) / range`.
 *
 * @param clip - clip to the header's [min, max] first (Reluplex does; VNN-COMP does not). Default false.
 */
export function normalizeInput(model: NnetModel, raw: ArrayLike<number>, clip = false): Float64Array {
  if (raw.length !== model.network.inputSize) throw new Error(`normalizeInput: raw has ${raw.length} values, expected ${model.network.inputSize}`);
  return Float64Array.from(raw, (v, i) => {
    const c = clip ? Math.min(Math.max(v, model.inputMin[i]), model.inputMax[i]) : v;
    return (c - model.inputMean[i]) / model.inputRange[i];
  });
}

/** Turns normalised outputs into raw scores: `y·range + mean`. */
export function denormalizeOutput(model: NnetModel, y: ArrayLike<number>): Float64Array {
  return Float64Array.from(y, (v) => v * model.outputRange + model.outputMean);
}

/**
 * Step 1 and 2 of the compression pipeline for a whole model: prune each weight tensor at a
 * fraction of its largest magnitude, then quantise it (uniform or shared magnitudes); biases are
 * quantised uniformly and not pruned.
 */
import type * as t from '@nnlab/tensor-gpu';
import { isCompressed } from '../loss/groups';
import { checkCodebookSize, quantizeCodebook } from '../quantize/kmeans';
import type { QuantizedTensor } from '../quantize/types';
import { checkBits, quantizeUniform } from '../quantize/uniform';
import { checkThreshold, thresholdKeep } from '../train/mask-rules';

/** Which quantiser the weights get. */
export type QuantizerKind = 'uniform' | 'codebook';

/** Options of {@link quantizeModel}. */
export interface QuantizeModelOptions {
  /** Prune |w| < pruneThreshold·max|w| per weight tensor first (default 0.01; 0 keeps every non-zero). */
  pruneThreshold?: number;
  /** `'uniform'` (default) or `'codebook'` (k-means shared magnitudes). */
  quantizer?: QuantizerKind;
  /** Bits of the uniform quantiser, sign included (default 8). */
  bits?: number;
  /** Shared magnitudes of the codebook quantiser (default 15, so 31 symbols with signs and zero). */
  codebookSize?: number;
  /** Bits of the uniform quantiser for biases (default 8). */
  biasBits?: number;
  /** Treat biases as weights: prune them and give them the weights' quantiser (default false). */
  includeBias?: boolean;
}

/** The defaults of {@link QuantizeModelOptions}. */
export const QUANTIZE_DEFAULTS: Readonly<Required<QuantizeModelOptions>> = Object.freeze({
  pruneThreshold: 0.01,
  quantizer: 'uniform',
  bits: 8,
  codebookSize: 15,
  biasBits: 8,
  includeBias: false,
});

/** One parameter's values on the host, with whether it is treated as a weight. */
export interface HostParameter {
  /** Dotted parameter name. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Row-major values. */
  values: Float32Array;
  /** True for tensors pruned and quantised as weights. */
  isWeight: boolean;
}

/** Reads every parameter of `model` back to the host, marking the weights. */
export async function readParameters(model: t.nn.Module, includeBias = false): Promise<HostParameter[]> {
  const out: HostParameter[] = [];
  for (const [name, p] of model.namedParameters()) {
    out.push({ name, shape: [...p.value.shape], values: await p.value.data(), isWeight: isCompressed(p, includeBias) });
  }
  return out;
}

/** Resolves and checks the quantisation options. */
export function resolveQuantizeOptions(options: QuantizeModelOptions = {}): Required<QuantizeModelOptions> {
  const o = { ...QUANTIZE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<QuantizeModelOptions>;
  checkThreshold(o.pruneThreshold, 'quantizeModel');
  if (o.quantizer !== 'uniform' && o.quantizer !== 'codebook') throw new Error(`quantizeModel: quantizer must be 'uniform' or 'codebook', got ${JSON.stringify(o.quantizer)}`);
  checkBits(o.bits, 'quantizeModel');
  checkBits(o.biasBits, 'quantizeModel (biasBits)');
  checkCodebookSize(o.codebookSize, 'quantizeModel');
  return o;
}

/** Prunes and quantises host parameters (see {@link QuantizeModelOptions}). */
export function quantizeParameters(params: readonly HostParameter[], options: QuantizeModelOptions = {}): QuantizedTensor[] {
  const o = resolveQuantizeOptions(options);
  return params.map((p) => {
    if (!p.isWeight) return quantizeUniform(p.name, p.shape, p.values, o.biasBits);
    const keep = thresholdKeep(p.values, o.pruneThreshold);
    const pruned = Float32Array.from(p.values, (v, i) => (keep[i] ? v : 0));
    return o.quantizer === 'uniform' ? quantizeUniform(p.name, p.shape, pruned, o.bits) : quantizeCodebook(p.name, p.shape, pruned, o.codebookSize);
  });
}

/** Reads `model`'s parameters and prunes and quantises them. */
export async function quantizeModel(model: t.nn.Module, options: QuantizeModelOptions = {}): Promise<QuantizedTensor[]> {
  return quantizeParameters(await readParameters(model, options.includeBias ?? false), options);
}

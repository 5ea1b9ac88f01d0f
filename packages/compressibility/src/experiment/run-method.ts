/**
 * One method of the comparison, end to end: train, prune and fine-tune, quantise, code to real
 * files, decode the first file back into the model and measure the decoded model's accuracy.
 */
import * as t from '@nnlab/tensor-gpu';
import { rangeCodec, type PayloadCodec } from '../coding/codec';
import { compressibilityValue } from '../loss/reference';
import { l1Penalty, regularized, withCompressibility } from '../loss/regularizer';
import { measureCompression, type CompressionMeasurement } from '../pipeline/measure';
import { quantizeParameters, readParameters, type HostParameter, type QuantizeModelOptions } from '../pipeline/quantize-model';
import { restoreModel } from '../pipeline/restore';
import type { QuantizedTensor } from '../quantize/types';
import { accuracyOf } from '../train/evaluate';
import { trainEpochs } from '../train/loop';
import { disposeMasks, magnitudeMasks, maskedOptimizer, thresholdMasks, type PruneMask } from '../train/masks';
import { proxCompressibility } from '../train/prox';
import { methodLabel, type Method } from './methods';

/** Settings shared by every method of a comparison. */
export interface RunSettings {
  /** Builds the model, initialised the same way (same seed) at every call. */
  model: () => t.nn.Module;
  /** Training samples. */
  train: t.train.LabeledData;
  /** Test samples (accuracy of the decoded model). */
  test: t.train.LabeledData;
  /** Shape of one sample as the model takes it (`[784]` for an MLP on MNIST). */
  inputShape?: readonly number[];
  /** Training epochs before pruning. */
  epochs: number;
  /** Fine-tuning epochs after pruning, with the zeros fixed (0: none). */
  fineTuneEpochs: number;
  /** Samples per step (default 64). */
  batchSize?: number;
  /** Learning rate of training (default 0.05). */
  lr?: number;
  /**
   * Epochs after which the training learning rate is divided by 10 (a step decay, as PyTorch's
   * `MultiStepLR` per epoch), increasing; default none: the constant `lr`.
   */
  lrDecayEpochs?: readonly number[];
  /**
   * Learning rate of fine-tuning: a number, a schedule of the fine-tuning step, or `'linear'` for
   * lr/5 decaying linearly to 0 over the fine-tuning steps (default: the constant lr/5).
   */
  fineTuneLr?: t.optim.LearningRate | 'linear';
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Seed of the batch order (default 0). */
  seed?: number;
  /** Relative pruning threshold t_rel of threshold-then-prune and of the quantiser (default 0.01). */
  pruneThreshold?: number;
  /** Keep the regulariser during fine-tuning (default true). */
  fineTunePenalty?: boolean;
  /** Quantiser options of the compression step. */
  quantize?: QuantizeModelOptions;
  /** Payload codecs; a file is written with each, the first is decoded to measure accuracy (default: range). */
  codecs?: readonly PayloadCodec[];
  /** Called after every training or fine-tuning step. */
  onStep?: (phase: 'train' | 'fine-tune', step: number) => void;
}

/** What one method produced. */
export interface MethodResult {
  /** Table label, e.g. `L_c λ=0.001`. */
  label: string;
  /** The method. */
  method: Method;
  /** Accuracy after training, before pruning (float32 weights). */
  accuracyTrained: number;
  /** Accuracy after pruning and fine-tuning (float32 weights). */
  accuracyFineTuned: number;
  /** Accuracy of the model decoded from the first coded file: the number the report gives. */
  accuracy: number;
  /** 100·(1 − accuracy). */
  testErrorPercent: number;
  /** Share of weights the pruning masks zeroed before fine-tuning. */
  maskSparsity: number;
  /** Sparsity, magnitudes, entropy, files and ratios of the compressed model. */
  measurement: CompressionMeasurement;
  /** L_c = ‖w‖₁/‖w‖₂ of each weight tensor after training (float64), with L_c/√n. */
  compressibility: { name: string; value: number; normalized: number }[];
  /** Parameters after training, before pruning. */
  trained: HostParameter[];
  /** Parameters after pruning and fine-tuning, before quantisation (to compress them another way). */
  fineTuned: HostParameter[];
  /** The decoded tensors (what the first file holds). */
  decoded: QuantizedTensor[];
  /** Weights after training (before pruning), to reuse for a method that trains the same way. */
  trainedState: t.nn.StateDict;
  /** Wall-clock seconds. */
  seconds: number;
}

function trainingLoss(method: Method, model: t.nn.Module): t.train.LossFunction {
  if (method.kind === 'compressibility' && method.sparsify !== 'prox') return withCompressibility(t.train.softmaxCrossEntropy, model, { ...method.loss, lambda: method.lambda });
  if (method.kind === 'l1') return regularized(t.train.softmaxCrossEntropy, () => l1Penalty(model), method.lambda);
  return t.train.softmaxCrossEntropy;
}

function optimizerFor(method: Method, lr: t.optim.LearningRate, momentum: number): t.optim.StepOptimizer {
  if (method.kind === 'compressibility' && method.sparsify === 'prox') return proxCompressibility({ ...method.loss, lr, lambda: method.lambda, momentum });
  return t.optim.sgd({ lr, momentum });
}

async function masksFor(method: Method, model: t.nn.Module, threshold: number): Promise<PruneMask[]> {
  if (method.kind === 'magnitude') return magnitudeMasks(model, method.sparsity);
  if (method.kind === 'compressibility' && method.sparsify === 'none') return [];
  return thresholdMasks(model, { threshold });
}

/** What {@link compressAndEvaluate} returns. */
export interface CompressedEvaluation {
  /** Statistics, files and ratios. */
  measurement: CompressionMeasurement;
  /** The tensors decoded from the first file. */
  decoded: QuantizedTensor[];
  /** Test accuracy of `model` after loading the decoded tensors. */
  accuracy: number;
}

/**
 * Prunes and quantises `params` with `settings.quantize` (threshold `settings.pruneThreshold`),
 * writes one file per codec, decodes the first file into `model` and measures its test accuracy.
 * The model's parameters are replaced by the decoded ones.
 */
export async function compressAndEvaluate(model: t.nn.Module, params: readonly HostParameter[], settings: Pick<RunSettings, 'quantize' | 'pruneThreshold' | 'codecs' | 'test' | 'inputShape'>): Promise<CompressedEvaluation> {
  const codecs = settings.codecs ?? [rangeCodec];
  const quantized = quantizeParameters(params, { pruneThreshold: settings.pruneThreshold ?? 0.01, ...settings.quantize });
  const measurement = measureCompression(quantized, params.filter((p) => p.isWeight).map((p) => p.name), codecs);
  const decoded = restoreModel(model, measurement.files[0].bytes, { codecs });
  const accuracy = (await accuracyOf(model, settings.test, { inputShape: settings.inputShape })).accuracy;
  return { measurement, decoded, accuracy };
}

/**
 * Runs `method`: trains (or loads `trainedState`), prunes, fine-tunes, quantises, writes one file per
 * codec, decodes the first file into the model and measures its test accuracy. The model is
 * disposed at the end.
 */
export async function runMethod(method: Method, settings: RunSettings, trainedState?: t.nn.StateDict): Promise<MethodResult> {
  const started = performance.now();
  const lr = settings.lr ?? 0.05;
  const momentum = settings.momentum ?? 0.9;
  const threshold = settings.pruneThreshold ?? 0.01;
  const common = { batchSize: settings.batchSize ?? 64, seed: settings.seed ?? 0, inputShape: settings.inputShape };
  const model = settings.model();
  try {
    if (trainedState) t.nn.loadStateDict(model, trainedState);
    else {
      const stepsPerEpoch = Math.ceil(settings.train.count / common.batchSize);
      const trainLr = settings.lrDecayEpochs?.length ? t.optim.perEpoch(t.optim.multiStepLr(lr, { milestones: settings.lrDecayEpochs, gamma: 0.1 }), stepsPerEpoch) : lr;
      const optimizer = optimizerFor(method, trainLr, momentum);
      try {
        await trainEpochs(model, settings.train, { ...common, epochs: settings.epochs, optimizer, loss: trainingLoss(method, model), onStep: (s) => settings.onStep?.('train', s) });
      } finally {
        optimizer.dispose();
      }
    }
    const state = trainedState ?? (await t.nn.stateDict(model));
    const trained = await readParameters(model, settings.quantize?.includeBias ?? false);
    const accuracyTrained = (await accuracyOf(model, settings.test, { inputShape: settings.inputShape })).accuracy;

    const masks = await masksFor(method, model, threshold);
    const maskSize = masks.reduce((n, m) => n + m.size, 0);
    const maskSparsity = maskSize ? 1 - masks.reduce((n, m) => n + m.kept, 0) / maskSize : 0;
    if (masks.length && settings.fineTuneEpochs > 0) {
      const steps = settings.fineTuneEpochs * Math.ceil(settings.train.count / common.batchSize);
      const fineTuneLr = settings.fineTuneLr === 'linear' ? (step: number) => (lr / 5) * Math.max(0, 1 - step / steps) : (settings.fineTuneLr ?? lr / 5);
      const inner = optimizerFor(method, fineTuneLr, momentum);
      const optimizer = maskedOptimizer(inner, masks);
      const loss = settings.fineTunePenalty === false ? t.train.softmaxCrossEntropy : trainingLoss(method, model);
      try {
        await trainEpochs(model, settings.train, { ...common, seed: common.seed + 1, epochs: settings.fineTuneEpochs, optimizer, loss, onStep: (s) => settings.onStep?.('fine-tune', s) });
      } finally {
        optimizer.dispose();
      }
    }
    disposeMasks(masks);
    const accuracyFineTuned = (await accuracyOf(model, settings.test, { inputShape: settings.inputShape })).accuracy;

    const fineTuned = await readParameters(model, settings.quantize?.includeBias ?? false);
    const { measurement, decoded, accuracy } = await compressAndEvaluate(model, fineTuned, settings);
    return {
      label: methodLabel(method),
      method,
      accuracyTrained,
      accuracyFineTuned,
      accuracy,
      testErrorPercent: 100 * (1 - accuracy),
      maskSparsity,
      measurement,
      compressibility: trained.filter((p) => p.isWeight).map((p) => {
        const value = compressibilityValue(p.values);
        return { name: p.name, value, normalized: value / Math.sqrt(p.values.length) };
      }),
      trained,
      fineTuned,
      decoded,
      trainedState: state,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}

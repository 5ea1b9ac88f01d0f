/**
 * `@nnlab/compressibility`: the compressibility loss ‖w‖₁/‖w‖₂ (Aytekin, Cricri and Aksu,
 * “Compressibility Loss for Neural Network Weights”, arXiv 1905.01044) as a regulariser on
 * `@nnlab/tensor-gpu`, ways to get exact zeros (threshold-then-prune, proximal steps), and a real
 * compression pipeline: prune, quantise (uniform or shared magnitudes), entropy-code with an
 * adaptive range coder into a checksummed file, decode, and measure the decoded model.
 * Browser-safe; the deflate codec and file I/O are in the `node` entry.
 *
 * @packageDocumentation
 */
export {
  COMPRESSIBILITY_DEFAULTS,
  resolveCompressibilityOptions,
  type CompressibilityForm,
  type CompressibilityOptions,
  type CompressibilityScope,
  type CompressibilitySmoothing,
  type ResolvedCompressibilityOptions,
} from './loss/options';
export { compressibilityGradient, compressibilityValue, compressibilityValueOfGroups, proxStepReference } from './loss/reference';
export { groupCompressibility } from './loss/op';
export { compressibilityLoss } from './loss/loss';
export { isCompressed, selectWeights, type NamedWeight, type WeightSource } from './loss/groups';
export {
  l1Penalty,
  regularized,
  withCompressibility,
  type CompressibilityRegularizerOptions,
} from './loss/regularizer';

export { proxCompressibility, type ProxOptions } from './train/prox';
export { checkThreshold, magnitudeKeep, maxAbs, thresholdKeep } from './train/mask-rules';
export { applyMasks, disposeMasks, magnitudeMasks, maskedOptimizer, thresholdMasks, type MaskOptions, type PruneMask } from './train/masks';
export { uploadBatch } from './train/data';
export { trainEpochs, type TrainEpochsOptions, type TrainEpochsResult } from './train/loop';
export { accuracyOf, type AccuracyResult } from './train/evaluate';

export { dequantize, checkQuantized, type CodebookQuantized, type QuantizedTensor, type UniformQuantized } from './quantize/types';
export { checkBits, quantizeUniform } from './quantize/uniform';
export { checkCodebookSize, kmeans1d, quantizeCodebook } from './quantize/kmeans';

export { AdaptiveFrequencyModel, MAX_MODEL_SYMBOLS, MODEL_INCREMENT, MODEL_LIMIT } from './coding/frequency-model';
export { RangeEncoder, RANGE_TOP } from './coding/range-encoder';
export { RangeDecoder } from './coding/range-decoder';
export { rangeDecodeSymbols, rangeEncodeSymbols } from './coding/symbol-coder';
export { indexWidth, packIndices, rangeCodec, rawCodec, unpackIndices, type PayloadCodec } from './coding/codec';

export { crc32 } from './format/crc32';
export { CompressedFileError, type CompressedFileProblem } from './format/errors';
export { CHECKSUM_BYTES, COMPRESSED_FILE_MAGIC, COMPRESSED_FILE_VERSION, FILE_HEADER_BYTES, MAX_RANK, MAX_TENSOR_SIZE, QUANTIZER_IDS } from './format/layout';
export { alphabetOf, encodeCompressedFile } from './format/encode';
export { DEFAULT_MAX_DECODED_VALUES, decodeCompressedFile, type DecodedFile, type DecodeOptions } from './format/decode';

export { distinctMagnitudes, groupStats, magnitudeEntropy, symbolEntropy, tensorStats, type GroupStats, type TensorStats } from './measure/stats';
export { histogram, type Histogram } from './measure/histogram';
export {
  QUANTIZE_DEFAULTS,
  quantizeModel,
  quantizeParameters,
  readParameters,
  resolveQuantizeOptions,
  type HostParameter,
  type QuantizeModelOptions,
  type QuantizerKind,
} from './pipeline/quantize-model';
export { measureCompression, type CodedFile, type CompressionMeasurement } from './pipeline/measure';
export { loadQuantized, restoreModel } from './pipeline/restore';

export { methodLabel, type Method, type SparsifyMode } from './experiment/methods';
export { compressAndEvaluate, runMethod, type CompressedEvaluation, type MethodResult, type RunSettings } from './experiment/run-method';

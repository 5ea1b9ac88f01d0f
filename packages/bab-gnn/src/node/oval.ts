/**
 * The OVAL CIFAR-10 benchmark of Lu & Kumar (the base model and its property tables), by default
 * from the `@nnlab/verification-benchmarks` package, with checksums verified and sizes checked
 * before reading. The properties' images come from the CIFAR-10 test set (tensor-gpu's loader).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { installedPackageDir, loadCifar10, locateDataSet, type DataSetSource } from '@nnlab/tensor-gpu/node';
import { forward } from '../network/network';
import { MAX_OVAL_JSON_BYTES, MAX_OVAL_PARAMETERS, parseOvalModel, type OvalModel } from '../parse/oval-model';
import { MAX_OVAL_CSV_BYTES, parseOvalProperties, type OvalProperty } from '../parse/oval-properties';
import { normaliseImage, ovalSpec } from '../properties/oval-spec';
import type { VerificationSpec } from '../properties/spec';

/** The property tables: easy / medium / hard by the reference's BaBSR time, and the 20- and 100-property subsets. */
export const OVAL_SUITES = ['base_easy', 'base_med', 'base_hard', 'base_20', 'base_100'] as const;

/** One OVAL property table. */
export type OvalSuite = (typeof OVAL_SUITES)[number];

/** SHA-256 of the benchmark files (from the data set's README). */
export const OVAL_SHA256: Readonly<Record<string, string>> = {
  'base_100.csv': '0e99a71bf7d3937ea80c7e7c361edaaefa69dd78ce6d0b47bf7fd25531bac6cc',
  'base_20.csv': '0a41bb465835933e899ab7fe1f824027c2cff08cbfbadb149d5e0775f3862170',
  'base_easy.csv': '48c67930232b47d87a59f9a4f31853b323d8e7b09dd86c5180a5c36ee6f7f2d2',
  'base_hard.csv': 'a13ee8c7b941195838d51f9cbd491a36b1a3f8b81b580665ee7eb86620d8e112',
  'base_med.csv': 'e70870d7c3892f910ed48ac45e7022e3f6abdfa3cc26c71985a27607d5e8b2e0',
  'cifar_base_kw.json': '5de96d25340dd9d4df40dd676d13a8563cbc704475a5afde679899fd23370214',
  'cifar_base_kw.weights.bin': '6d85a5adfd5cb31fbf329394ffd96e32522077e5787c25faa5cf77b4f226b2d9',
};

/** The npm package that ships the OVAL files (an optional peer dependency). */
export const OVAL_PACKAGE = '@nnlab/verification-benchmarks';

/** OVAL CIFAR: the `@nnlab/verification-benchmarks` package, or `$NNLAB_SHARED_DATA/oval-cifar`. */
export const OVAL_SOURCE: DataSetSource = {
  dataSet: 'OVAL CIFAR',
  install: `the npm package ${OVAL_PACKAGE} (an optional peer dependency of @nnlab/bab-gnn)`,
  packageDir: () => {
    if (installedPackageDir(import.meta.url, OVAL_PACKAGE) === undefined) return undefined;
    const benchmarks = createRequire(import.meta.url)(`${OVAL_PACKAGE}/node`) as typeof import('@nnlab/verification-benchmarks/node');
    return benchmarks.benchmarkDir('oval-cifar');
  },
  sharedSubdir: 'oval-cifar',
};

/**
 * The OVAL directory: `dir` when given, else the installed package, else `$NNLAB_SHARED_DATA/oval-cifar`.
 *
 * @throws Error (`DataSetNotFoundError` of `@nnlab/tensor-gpu/node`) saying what to install when it is nowhere.
 */
export function ovalDataDir(dir?: string): string {
  return locateDataSet(OVAL_SOURCE, dir).dir;
}

/** Reads one file after checking its size (before reading) and, for a known name, its SHA-256. */
function readLimited(dir: string, file: string, maxBytes: number): Buffer {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`OVAL CIFAR: missing file '${path}'`);
  const size = statSync(path).size;
  if (size > maxBytes) throw new Error(`OVAL CIFAR: '${path}' has ${size} bytes, more than the limit of ${maxBytes}`);
  const bytes = readFileSync(path);
  const expected = OVAL_SHA256[file];
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (expected && actual !== expected) throw new Error(`OVAL CIFAR: checksum mismatch for '${path}': expected ${expected}, got ${actual}`);
  return bytes;
}

/** Reads the base model `cifar_base_kw` (or `name`) from the OVAL directory. */
export function readOvalModel(dir?: string, name = 'cifar_base_kw'): OvalModel {
  const d = ovalDataDir(dir);
  const json = readLimited(d, `${name}.json`, MAX_OVAL_JSON_BYTES).toString('utf8');
  const weights = readLimited(d, `${name}.weights.bin`, 4 * MAX_OVAL_PARAMETERS);
  return parseOvalModel(json, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength), { json: join(d, `${name}.json`), weights: join(d, `${name}.weights.bin`) });
}

/** Reads one property table from the OVAL directory. */
export function readOvalProperties(suite: OvalSuite, dir?: string): OvalProperty[] {
  if (!OVAL_SUITES.includes(suite)) throw new Error(`OVAL CIFAR: unknown suite '${String(suite)}', expected one of ${OVAL_SUITES.join(', ')}`);
  const d = ovalDataDir(dir);
  return parseOvalProperties(readLimited(d, `${suite}.csv`, MAX_OVAL_CSV_BYTES).toString('utf8'), join(d, `${suite}.csv`));
}

/** One property ready to verify. */
export interface OvalInstance {
  /** The table row. */
  readonly property: OvalProperty;
  /** The normalised clean image. */
  readonly image: Float64Array;
  /** The verification problem (box x0 ± eps, one clause). */
  readonly spec: VerificationSpec;
}

/** Where {@link ovalInstances} reads from. */
export interface OvalInstanceOptions {
  /** The OVAL directory (default {@link ovalDataDir}'s). */
  dir?: string;
  /** The CIFAR-10 directory (default tensor-gpu's `locateCifar10`). */
  cifarDir?: string;
  /** Only the first this many properties of the table. */
  limit?: number;
  /** The CIFAR-10 test split when already loaded (`loadCifar10(dir, { trainBatches: [] }).test`), so that several tables read it once. */
  testImages?: OvalTestImages;
}

/** The CIFAR-10 test split as tensor-gpu's `loadCifar10` gives it: pixels / 255 in float32, `[N, 3, 32, 32]`. */
export interface OvalTestImages {
  /** Pixel values / 255. */
  readonly images: Float32Array;
  /** Labels 0..9. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
}

/**
 * The first `limit` properties of a table with their images and problems. Checks that each image's
 * label is the row's and that the network's clean margin matches the table's (to 1e-3).
 */
export async function ovalInstances(model: OvalModel, suite: OvalSuite, options: OvalInstanceOptions = {}): Promise<OvalInstance[]> {
  const all = readOvalProperties(suite, options.dir);
  const rows = options.limit === undefined ? all : all.slice(0, options.limit);
  const test = options.testImages ?? (await loadCifar10(options.cifarDir, { trainBatches: [] })).test;
  const pixels = model.inputShape[0] * model.inputShape[1] * model.inputShape[2];
  return rows.map((property) => {
    const where = `OVAL CIFAR ${suite}.csv row ${property.row}`;
    if (property.imageIndex >= test.count) throw new Error(`${where}: image ${property.imageIndex} is not in the CIFAR-10 test set (${test.count} images)`);
    if (test.labels[property.imageIndex] !== property.label) throw new Error(`${where}: CIFAR-10 test image ${property.imageIndex} has label ${test.labels[property.imageIndex]}, the table says ${property.label}`);
    // The loader gives byte/255 in float32: the byte is recovered exactly by rounding.
    const bytes = Array.from(test.images.subarray(property.imageIndex * pixels, (property.imageIndex + 1) * pixels), (v) => Math.round(v * 255));
    const image = normaliseImage(model, bytes);
    const y = forward(model.network, image);
    const margin = y[property.label] - y[property.target];
    if (property.cleanMargin !== undefined && Math.abs(margin - property.cleanMargin) > 1e-3) throw new Error(`${where}: clean margin ${margin} differs from the table's ${property.cleanMargin}`);
    return { property, image, spec: ovalSpec(image, property, model.network.outputSize) };
  });
}

/**
 * Node-only readers: `.nnet` / `.vnnlib` files from disk, and the ACAS Xu benchmark (by default
 * from the `@nnlab/verification-benchmarks` package) with its checksums verified.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { installedPackageDir, locateDataSet, type DataSetSource } from '@nnlab/tensor-gpu/node';
import { parseNnet, type NnetModel } from '../parse/nnet';
import { parseVnnlib } from '../parse/vnnlib';
import type { VerificationSpec } from '../properties/spec';
import { ACASXU_SHA256 } from './acasxu-checksums';

export { ACASXU_SHA256 } from './acasxu-checksums';

/** Reads and parses a `.nnet` file. */
export function readNnetFile(path: string): NnetModel {
  if (!existsSync(path)) throw new Error(`readNnetFile: no such file '${path}'`);
  return parseNnet(readFileSync(path, 'utf8'), path);
}

/** Reads and parses a `.vnnlib` file. */
export function readVnnlibFile(path: string): VerificationSpec {
  if (!existsSync(path)) throw new Error(`readVnnlibFile: no such file '${path}'`);
  return parseVnnlib(readFileSync(path, 'utf8'), path);
}

function readChecked(dir: string, rel: string): string {
  const path = join(dir, rel);
  if (!existsSync(path)) throw new Error(`ACAS Xu: missing file '${path}'`);
  const bytes = readFileSync(path);
  const expected = ACASXU_SHA256[rel];
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (expected && actual !== expected) throw new Error(`ACAS Xu: checksum mismatch for '${path}': expected ${expected}, got ${actual}`);
  return bytes.toString('utf8');
}

/** Path of network N_{x,y} inside the ACAS Xu data directory. */
export function acasXuNetworkPath(x: number, y: number): string {
  if (!Number.isInteger(x) || x < 1 || x > 5 || !Number.isInteger(y) || y < 1 || y > 9) throw new Error(`ACAS Xu: network index must be x in 1..5 and y in 1..9, got ${x},${y}`);
  return `nnet/ACASXU_run2a_${x}_${y}_batch_2000.nnet`;
}

/** Reads network N_{x,y} from the ACAS Xu directory (checksum verified). */
export function readAcasXuNetwork(dir: string, x: number, y: number): NnetModel {
  const rel = acasXuNetworkPath(x, y);
  return parseNnet(readChecked(dir, rel), join(dir, rel));
}

/** Reads property φ_p (p = 1..10) from the ACAS Xu directory (checksum verified). */
export function readAcasXuProperty(dir: string, p: number): VerificationSpec {
  if (!Number.isInteger(p) || p < 1 || p > 10) throw new Error(`ACAS Xu: property must be 1..10, got ${p}`);
  const rel = `vnnlib/prop_${p}.vnnlib`;
  return parseVnnlib(readChecked(dir, rel), join(dir, rel));
}

/** The npm package that ships the ACAS Xu networks and properties (an optional peer dependency). */
export const ACASXU_PACKAGE = '@nnlab/verification-benchmarks';

/** ACAS Xu: the `@nnlab/verification-benchmarks` package, or `$NNLAB_SHARED_DATA/acasxu`. */
export const ACASXU_SOURCE: DataSetSource = {
  dataSet: 'ACAS Xu',
  install: `the npm package ${ACASXU_PACKAGE} (an optional peer dependency of @nnlab/bab-gnn)`,
  packageDir: () => {
    if (installedPackageDir(import.meta.url, ACASXU_PACKAGE) === undefined) return undefined;
    const benchmarks = createRequire(import.meta.url)(`${ACASXU_PACKAGE}/node`) as typeof import('@nnlab/verification-benchmarks/node');
    return benchmarks.benchmarkDir('acasxu');
  },
  sharedSubdir: 'acasxu',
};

/**
 * The ACAS Xu directory (`nnet/`, `vnnlib/`): `dir` when given, else the installed
 * `@nnlab/verification-benchmarks` package, else `$NNLAB_SHARED_DATA/acasxu`.
 *
 * @param dir - an explicit directory, which wins.
 * @throws Error (`DataSetNotFoundError` of `@nnlab/tensor-gpu/node`) saying what to install when the benchmark is nowhere.
 */
export function acasXuDataDir(dir?: string): string {
  return locateDataSet(ACASXU_SOURCE, dir).dir;
}

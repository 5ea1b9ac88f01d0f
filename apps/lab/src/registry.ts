/**
 * Every experiment `nnlab` knows, in the order `nnlab all` runs them. A technique package adds
 * its headline experiment by importing it here and appending it to the list.
 */
import { acasXu, cifar10, fileOption, mnist, ovalCifar, requiring, unlessGiven, whenGiven } from './data-needs';
import type { Experiment } from './experiment';
import { backendsExperiment } from './experiments/backends';
import { lcaExperiment } from './experiments/lca';
import { compressibilityExperiment } from './experiments/compressibility';
import { packExperiment } from './experiments/pack';
import { lossScaleExperiment } from './experiments/loss-scale';
import { verifyExperiment } from './experiments/verify';
import { dfaExperiment } from './experiments/dfa';

/** The registered experiments, in run order, each with the data it reads (checked before any starts). */
export const experiments: readonly Experiment[] = [
  backendsExperiment,
  requiring(lcaExperiment, [mnist]),
  requiring(compressibilityExperiment, [mnist]),
  requiring(packExperiment, [mnist]),
  requiring(lossScaleExperiment, [mnist]),
  requiring(dfaExperiment, [mnist, cifar10('cifar-dir')]),
  // `--net FILE --spec FILE` verifies one instance and reads nothing else; `--suite` reads OVAL and CIFAR-10 only.
  requiring(verifyExperiment, [
    fileOption('net'),
    fileOption('spec'),
    unlessGiven('suite', unlessGiven('net', mnist)),
    unlessGiven('suite', unlessGiven('net', acasXu('acasxu'))),
    whenGiven('suite', ovalCifar('oval')),
    whenGiven('suite', cifar10('cifar-dir')),
  ]),
];

/** Command names that an experiment id may not take. */
export const RESERVED_COMMANDS: readonly string[] = ['all', 'list', 'help', 'worker'];

/** The experiment with the given id, if any. */
export function findExperiment(id: string, list: readonly Experiment[] = experiments): Experiment | undefined {
  return list.find((e) => e.id === id);
}

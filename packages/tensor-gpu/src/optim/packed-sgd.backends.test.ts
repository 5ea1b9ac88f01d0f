import * as t from '../index';
import { describeOnBackends } from '../testing/backend-suite.test-helper';
import { expectPackedMatchesSingles } from './packed.test-helper';
import { packedSgd } from './packed-sgd';
import { sgd } from './sgd';

const K = 3;
const lr = [0.1, 0.05, 0.2];
const momentum = [0.9, 0, 0.5];
const weightDecay = [0, 1e-2, 1e-3];

describeOnBackends('packed SGD', (_backend, test) => {
  for (const nesterov of [false, true]) {
    test(`one packed step per tensor equals K separate SGD runs with per-model hyperparameters${nesterov ? ' (Nesterov)' : ''}`, async () => {
      await t.expectNoLeaks(async () => {
        const mom = nesterov ? momentum.map((m) => (m === 0 ? 0.3 : m)) : momentum;
        const popt = packedSgd({ models: K, lr, momentum: mom, weightDecay, nesterov });
        const sopts = Array.from({ length: K }, (_, k) => sgd({ lr: lr[k], momentum: mom[k], weightDecay: weightDecay[k], nesterov: nesterov && mom[k] > 0 }));
        await expectPackedMatchesSingles(popt, sopts, 3);
      });
    });
  }
});

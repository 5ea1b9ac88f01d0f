import { packageVitestConfig } from '../../scripts/vitest-package.ts';

// The MNIST test trains two models in one test: allow it 5 minutes on a busy machine.
export default packageVitestConfig({ browser: false, testTimeout: 300_000 });

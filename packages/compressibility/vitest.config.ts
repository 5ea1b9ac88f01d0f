import { packageVitestConfig } from '../../scripts/vitest-package.ts';

// Its test files share no state (each sets the backend it uses): one worker runs them all.
// The MNIST test trains two models in one test: allow it 5 minutes on a busy machine.
export default packageVitestConfig({ browser: false, isolate: false, testTimeout: 300_000 });

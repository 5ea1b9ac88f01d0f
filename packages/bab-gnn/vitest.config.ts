import { packageVitestConfig } from '../../scripts/vitest-package.ts';

// Its test files share no state (each sets the backend it uses), so a worker runs many. Two
// workers: its verification tests are the longest single-threaded task of the test suite.
export default packageVitestConfig({ browser: false, isolate: false, workers: 2 });

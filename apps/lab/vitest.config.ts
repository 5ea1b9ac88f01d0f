import { packageVitestConfig } from '../../scripts/vitest-package';

// Its test files share no state (each sets the backend it uses): one worker runs them all.
export default packageVitestConfig({ browser: false, isolate: false });

import { packageVitestConfig } from '../../scripts/vitest-package.ts';

export default packageVitestConfig({ browser: false });

import { packageVitestConfig } from '../../scripts/vitest-package';

export default packageVitestConfig({ browser: false });

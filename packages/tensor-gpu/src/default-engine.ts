import { Engine } from './engine';

/**
 * The engine behind the package's module-level functions (`setBackend`, `tidy`, `tensor`, ...).
 * Exported so that its state is visible; advanced users may create their own `Engine`.
 */
export const defaultEngine = new Engine();

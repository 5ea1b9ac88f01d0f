/**
 * Node-only parts of `@nnlab/pack`: the worker-thread trial executor and the memory budget of this
 * machine.
 *
 * @packageDocumentation
 */
export { workerPoolExecutor, type WorkerPoolOptions } from './hyperband/worker-pool';
export { hostMemoryBudget } from './planner/host-memory';

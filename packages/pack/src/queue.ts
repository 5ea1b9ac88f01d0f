/**
 * `@nnlab/pack/queue`: Hyperband's jobs on a BullMQ queue in Redis, so that workers in several
 * processes and on several machines train the packs of a rung; the same jobs and threads serve other
 * work (e.g. verification instances). Needs the optional peer dependency
 * `bullmq` (Node only).
 *
 * @packageDocumentation
 */
export { queueExecutor, type QueueExecutor, type QueueExecutorOptions } from './queue/executor';
export { startTrialWorker, type TrialWorker, type TrialWorkerOptions } from './queue/worker';
export { openJobQueue, type JobQueue, type JobQueueOptions, type QueuedJob } from './queue/job-queue';
export { BadTaskError, EvaluatorThreads, type EvaluatorModule } from './queue/evaluator-threads';
export { startThreadedJobWorker, type ThreadCall, type ThreadedJobWorkerOptions } from './queue/threaded-worker';
export { BadJobInput, startJobWorker, type JobWorker, type JobWorkerOptions } from './queue/job-worker';
export { checkTrialJobData, decodeScores, encodeScores, trialJobId, type TrialJobData, type TrialJobResult } from './queue/job-data';
export { parseRedisUrl, probeRedis, type RedisConnection } from './queue/redis-url';
export { checkMnistMlpTask, configurationToModelConfig, mnistEvaluatorFor, mnistMlpSetup, type MnistMlpTask } from './queue/mnist-task';

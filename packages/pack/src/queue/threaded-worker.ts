import { EvaluatorThreads, type EvaluatorModule } from './evaluator-threads';
import { BadJobInput, startJobWorker, type JobWorker, type JobWorkerOptions } from './job-worker';
import { optionalPositiveInteger } from './options';

/** What a job asks of a thread: the task (which evaluator), the call's arguments, and how long one try may run. */
export interface ThreadCall {
  /** The task the module's export turns into an evaluator (made once per distinct task and thread). */
  task: unknown;
  /** Arguments of the evaluator call. */
  args: readonly unknown[];
  /** A try that runs longer is stopped (its thread ended) and fails, ms (default: no limit). */
  timeoutMs?: number;
}

/** Options of {@link startThreadedJobWorker}. */
export interface ThreadedJobWorkerOptions extends EvaluatorModule, Omit<JobWorkerOptions, 'handle'> {
  /** Checks a job's payload and says what to run; throws for bad input (the job then fails once, without retries). */
  prepare: (data: unknown) => ThreadCall;
  /** Turns what the evaluator returned into the job's JSON result (default: as it is). */
  finish?: (value: unknown, data: unknown) => unknown;
}

/**
 * Starts a worker whose jobs run in threads (`concurrency` of them, each with its own copy of
 * `module`): work that keeps a thread busy runs there, so that this thread stays free to renew
 * the job locks and a try past its timeout can be stopped. The trial workers and the verification
 * workers are built on it.
 */
export async function startThreadedJobWorker(options: ThreadedJobWorkerOptions): Promise<JobWorker> {
  const owner = options.owner ?? 'startThreadedJobWorker';
  const concurrency = optionalPositiveInteger(options.concurrency, 'concurrency', owner) ?? 1;
  const threads = await EvaluatorThreads.start(options, concurrency);
  try {
    const worker = await startJobWorker({
      ...options,
      owner,
      concurrency,
      async handle(data, id) {
        let call: ThreadCall;
        try {
          call = options.prepare(data);
        } catch (e) {
          throw new BadJobInput((e as Error).message);
        }
        const value = await threads.call(call.task, call.args, id, call.timeoutMs);
        return options.finish ? options.finish(value, data) : value;
      },
    });
    return {
      async close() {
        await worker.close();
        await threads.close();
      },
    };
  } catch (e) {
    await threads.close();
    throw e;
  }
}

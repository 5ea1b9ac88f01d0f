import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { BadJobInput } from './job-worker';

/** A job the thread could not even start: the task names nothing the evaluator module knows. */
export class BadTaskError extends BadJobInput {
  constructor(message: string) {
    super(message);
    this.name = 'BadTaskError';
  }
}

// Training keeps its thread busy without a break (a cpu-backend epoch never yields to the event
// loop), so it runs in threads: the worker's own thread stays free to renew BullMQ's job locks,
// and a job past its timeout can be stopped by ending its thread.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = import(workerData.module).then((m) => {
  const fn = m[workerData.exportName];
  if (typeof fn !== 'function') throw new Error(workerData.module + ' exports no function ' + workerData.exportName);
  return fn;
});
loaded.then(() => parentPort.postMessage({ ready: true }), (e) => parentPort.postMessage({ loadError: String((e && e.message) || e) }));
const evaluators = new Map();
parentPort.on('message', async ({ id, task, args }) => {
  let evaluate;
  try {
    const key = JSON.stringify(task);
    evaluate = evaluators.get(key);
    if (!evaluate) {
      evaluate = await (await loaded)(task);
      if (typeof evaluate !== 'function') throw new Error(workerData.exportName + ' returned ' + String(evaluate) + ', not an evaluator function');
      evaluators.set(key, evaluate);
    }
  } catch (e) {
    parentPort.postMessage({ id, badTask: String((e && e.message) || e) });
    return;
  }
  try {
    parentPort.postMessage({ id, done: true, value: await evaluate(...args) });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.stack) || e) });
  }
});
`;

interface Reply {
  id?: number;
  ready?: boolean;
  loadError?: string;
  badTask?: string;
  error?: string;
  done?: boolean;
  value?: unknown;
}

/** Where the threads find the evaluator: `module` exports `exportName(task) => evaluator`. */
export interface EvaluatorModule {
  /**
   * Path or `file:` URL of the module, loaded by each thread. Threads do not inherit a loader
   * registered with `--import` (Node 20), so a module in TypeScript needs a small JavaScript entry
   * that registers one (e.g. tsx's `register()` from `tsx/esm/api`) and re-exports.
   */
  module: string | URL;
  /** The export that turns a task into an evaluator (default `'evaluatorFor'`). */
  exportName?: string;
  /** Node options of the threads (default: those of the process). */
  execArgv?: string[];
}

/**
 * A fixed number of threads, each with its own copy of a module that turns a task into an evaluator
 * (a function); one job per thread at a time. Work that keeps its thread busy runs here, so that the
 * calling thread stays free (e.g. to renew BullMQ's job locks) and a job past its timeout can be
 * stopped by ending its thread.
 */
export class EvaluatorThreads {
  private readonly idle: Worker[] = [];
  private readonly url: string;
  private readonly exportName: string;

  private constructor(private readonly source: EvaluatorModule) {
    const m = source.module;
    this.url = m instanceof URL ? m.href : m.startsWith('file:') ? m : pathToFileURL(m).href;
    this.exportName = source.exportName ?? 'evaluatorFor';
  }

  /** Starts `count` threads and waits until each has loaded the module; throws when it cannot be loaded. */
  static async start(source: EvaluatorModule, count: number): Promise<EvaluatorThreads> {
    const threads = new EvaluatorThreads(source);
    try {
      for (let i = 0; i < count; i++) threads.idle.push(await threads.spawn());
    } catch (e) {
      await threads.close();
      throw e;
    }
    return threads;
  }

  private spawn(): Promise<Worker> {
    const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { module: this.url, exportName: this.exportName }, execArgv: this.source.execArgv });
    return new Promise((resolve, reject) => {
      thread.once('message', (reply: Reply) => {
        if (reply.ready) resolve(thread);
        else void thread.terminate().then(() => reject(new Error(`cannot load the evaluator module: ${reply.loadError}`)));
      });
      thread.once('error', reject);
    });
  }

  /**
   * Runs `evaluator(...args)` on an idle thread, where `evaluator` is what the module's export made
   * of `task` (made once per distinct task and thread); arguments and result are copied as by
   * `postMessage`. A thread past `timeoutMs` is ended and replaced, and the job fails with a timeout;
   * a task the module rejects fails with a {@link BadTaskError}.
   */
  async call(task: unknown, args: readonly unknown[], jobId: string, timeoutMs?: number): Promise<unknown> {
    const thread = this.idle.pop();
    if (!thread) throw new Error('EvaluatorThreads: more jobs at once than threads');
    let healthy = true;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
          done();
          healthy = false;
          reject(new Error(`job ${jobId} ran past the job timeout of ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          thread.off('message', onMessage);
          thread.off('error', onError);
        };
        const onMessage = (reply: Reply) => {
          done();
          if (reply.badTask !== undefined) reject(new BadTaskError(reply.badTask));
          else if (reply.error !== undefined) reject(new Error(`evaluator failed: ${reply.error}`));
          else resolve(reply.value);
        };
        const onError = (e: Error) => {
          done();
          healthy = false;
          reject(e);
        };
        thread.on('message', onMessage);
        thread.on('error', onError);
        thread.postMessage({ id: 0, task, args });
      });
    } finally {
      if (healthy) this.idle.push(thread);
      else {
        await thread.terminate();
        this.idle.push(await this.spawn());
      }
    }
  }

  /** Ends every idle thread. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

// A worker process of the queue benchmark: `REDIS_URL=redis://127.0.0.1:PORT tsx bench/queue-worker.ts`.
import { startTrialWorker } from '../src/queue/worker';

const worker = await startTrialWorker({ redis: process.env.REDIS_URL!, module: new URL('./queue-evaluators.mjs', import.meta.url) });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));

/** The `--redis URL` option shared by `nnlab worker` and the experiments that can run on a job queue. */
import { parseRedisUrl } from '@nnlab/pack/queue';

/** Option parser: checks the URL's form (reachability is checked when the run starts). */
export function redisUrl(raw: string): string {
  try {
    parseRedisUrl(raw, '--redis');
  } catch (e) {
    throw new Error((e as Error).message.replace(/^--redis: /, ''));
  }
  return raw;
}

/** Option parser of `--run-id`: letters, digits, '-' and '_'. */
export function runIdOption(raw: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new Error(`expected letters, digits, '-' and '_', got '${raw}'`);
  return raw;
}

/** A fresh run id, e.g. `pack-20261206T150102Z-4821`: one search per id, named so that a user can pass it back to resume. */
export function freshRunId(prefix: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${prefix}-${stamp}-${process.pid}`;
}

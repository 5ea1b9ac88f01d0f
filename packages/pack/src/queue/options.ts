/** Checks an optional positive integer option; the error names `owner` and the option. */
export function optionalPositiveInteger(value: unknown, name: string, owner: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error(`${owner}: options.${name} must be a positive integer, got ${String(value)}`);
  return value as number;
}

/** Checks a BullMQ queue name (letters, digits, '-' and '_': it becomes part of Redis keys). */
export function checkQueueName(queueName: unknown, owner: string): string {
  if (typeof queueName !== 'string' || !/^[A-Za-z0-9_-]+$/.test(queueName)) throw new Error(`${owner}: options.queueName must be letters, digits, '-' and '_', got ${JSON.stringify(queueName)}`);
  return queueName;
}

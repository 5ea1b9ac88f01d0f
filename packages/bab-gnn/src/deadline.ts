/** Time limits that every phase of a verification (parsing, expansion, attack, bounding) honours. */

/** Thrown by the parsers and the bounding code when their `deadline` has passed. */
export class DeadlineError extends Error {
  constructor(where: string) {
    super(`${where}: the time limit was reached`);
    this.name = 'DeadlineError';
  }
}

/** Throws a {@link DeadlineError} once `performance.now()` is past `deadline` (ms; undefined: never). */
export function checkDeadline(deadline: number | undefined, where: string): void {
  if (deadline !== undefined && performance.now() > deadline) throw new DeadlineError(where);
}

/** A broken invariant: the fuzzer's notion of a crash. `name` groups crashes for minimization. */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(`${invariant}: ${message}`);
    this.name = 'InvariantViolation';
  }
}

export function check(condition: boolean, invariant: string, message: () => string): void {
  if (!condition) throw new InvariantViolation(invariant, message());
}

/** Runs a public API call that must not throw; an exception becomes a violation. */
export function noThrow<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof InvariantViolation) throw error;
    throw new InvariantViolation('no-throw', `${what} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

/** A stable text form of a decoded item, to compare decodes of the same bytes. */
export function canonical(item: unknown): string {
  return JSON.stringify(item, (key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
    if (value instanceof Error) {
      const e = value as Error & { code?: string; scope?: string; offset?: number; streamId?: number };
      return `error ${e.code} ${e.scope} @${e.offset} stream=${e.streamId}`;
    }
    return key === 'cause' ? undefined : value;
  });
}

// Waiting on an observable condition, for tests and benchmarks: the one poll loop they share, so no
// caller stands a fixed sleep in for "the event has arrived".

export interface WaitOptions {
  /** @default 20000 (20 s: generous, since the machine running the suite may be busy) */
  timeoutMs?: number;
  /** Named in the timeout error. @default 'a condition' */
  what?: string;
  /** Time between two checks. @default 20 ms */
  stepMs?: number;
}

/** Resolves once `check` holds; rejects naming `what` when `timeoutMs` passes first. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  opts: WaitOptions | number = {},
): Promise<void> {
  const {
    timeoutMs = 20_000,
    what = 'a condition',
    stepMs = 20,
  } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

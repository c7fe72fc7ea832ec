/** Time source, injected so tests can move time (deadlines, lockouts, TOTP steps, retention). */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

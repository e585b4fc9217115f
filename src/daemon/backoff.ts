/** How long a device waits before its next start attempt: exponential, capped, jittered (on the injected clock). */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0.25: each delay is randomised within ±25%. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, jitter: 0.25 };

/** The delay before retry number `attempt` (0 first): `initialMs * 2^attempt`, at most `maxMs`, then jittered. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** attempt);
  return Math.round(base * (1 - policy.jitter + 2 * policy.jitter * random()));
}

// Pure retry schedule: exponential backoff with jitter, capped; after MAX_ATTEMPTS → dead letter.
export const MAX_ATTEMPTS = 8;
const BASE_MS = 30_000;
const CAP_MS = 60 * 60_000;

/** Delay before attempt n+1 after `attempts` failures: 30 s, 1 min, 2 min … ≤ 1 h, times 0.5–1.0 jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(BASE_MS * 2 ** Math.max(0, attempts - 1), CAP_MS);
  return Math.round(exp * (0.5 + random() * 0.5));
}

import type { Ctx } from '../context.js';
import { rateLimited } from '../errors.js';
import { hitWindow, retryAfterSeconds } from '../rateWindows.js';
import { CLIENT_WINDOW_MS, type SignInLimits } from '../staff/authenticate.js';

/**
 * Starting a single sign-on and posting an identity provider's answer count toward the same
 * per-address sign-in limit as passwords, so neither can be used to flood Beacon (each start stores
 * a request id; each refused answer is audited).
 */
export async function countSsoAttempt(ctx: Ctx, clientAddress: string, limits: SignInLimits): Promise<void> {
  const window = await hitWindow(ctx.db, `sign_in:${clientAddress}`, CLIENT_WINDOW_MS, ctx.now);
  if (window.hits > limits.attemptsPerMinute) {
    const seconds = retryAfterSeconds(window, ctx.now);
    throw rateLimited(`Too many sign-in attempts from your address. Try again in ${seconds} seconds.`, seconds);
  }
}

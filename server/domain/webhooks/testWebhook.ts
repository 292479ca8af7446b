import crypto from 'node:crypto';
import type { Ctx } from '../context.js';
import { assertCan } from '../roles.js';
import { postWebhook } from '../../notify/webhookPost.js';
import type { TargetPolicy } from './createWebhook.js';
import { getWebhook } from './listWebhooks.js';
import { bodyFor } from '../../notify/chatMessages.js';

export const TEST_TIMEOUT_MS = 5_000;

/**
 * One shape for every outcome: an HTTP answer (any status) is `delivered` with its status; anything
 * else — refused target, closed port, a port that speaks another protocol, silence — is just
 * "not delivered", so the button cannot be used to map ports or tell socket errors apart.
 */
export type WebhookTestResult = { delivered: true; status: number; ok: boolean; response_ms: number } | { delivered: false; status: null; ok: false };

/** Sends a signed `ping` now (also to inactive endpoints) and reports whether the receiver answered. */
export async function testWebhook(ctx: Ctx, id: string, policy: TargetPolicy): Promise<WebhookTestResult> {
  assertCan(ctx.actor!.role, 'administer');
  const endpoint = await getWebhook(ctx.db, id);
  const message = { id: `ping:${crypto.randomUUID()}`, type: 'ping', created_at: ctx.now.toISOString(), data: { webhook: { id: endpoint.id, url: endpoint.url } } };
  const answer = await postWebhook(endpoint, message, ctx.now, TEST_TIMEOUT_MS, policy, bodyFor(endpoint.type, message));
  if (answer.status === null) return { delivered: false, status: null, ok: false };
  return { delivered: true, status: answer.status, ok: answer.ok, response_ms: answer.responseMs };
}

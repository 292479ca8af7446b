import crypto from 'node:crypto';
import type { Ctx } from '../context.js';
import { assertCan } from '../roles.js';
import { postWebhook } from '../../notify/webhookPost.js';
import { getWebhook } from './listWebhooks.js';
import { bodyFor } from '../../notify/chatMessages.js';

export const TEST_TIMEOUT_MS = 5_000;

export interface WebhookTestResult {
  status: number | null;
  ok: boolean;
  response_ms: number;
  error?: string;
}

/** Sends a signed `ping` now (also to inactive endpoints) and reports the receiver's answer. */
export async function testWebhook(ctx: Ctx, id: string): Promise<WebhookTestResult> {
  assertCan(ctx.actor!.role, 'administer');
  const endpoint = await getWebhook(ctx.db, id);
  const message = { id: `ping:${crypto.randomUUID()}`, type: 'ping', created_at: ctx.now.toISOString(), data: { webhook: { id: endpoint.id, url: endpoint.url } } };
  const answer = await postWebhook(endpoint, message, ctx.now, TEST_TIMEOUT_MS, bodyFor(endpoint.type, message));
  return { status: answer.status, ok: answer.ok, response_ms: answer.responseMs, ...(answer.error && { error: answer.error }) };
}

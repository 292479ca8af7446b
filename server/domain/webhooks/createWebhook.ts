import crypto from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { components, webhookEndpoints } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, invalid } from '../errors.js';
import { assertCan } from '../roles.js';
import { assertPublicTarget } from './targetAddress.js';
import type { WebhookType } from '../../notify/chatMessages.js';

export type WebhookRow = typeof webhookEndpoints.$inferSelect;

/** Where endpoints may point: WEBHOOK_ALLOW_PRIVATE lets them reach internal addresses. */
export interface TargetPolicy {
  allowPrivate: boolean;
}

export interface WebhookInput {
  url: string;
  /** Set at creation only: 'generic' (default), 'slack' or 'teams'. */
  type?: WebhookType;
  /** Null (or empty) = every component. */
  components?: string[] | null;
  description?: string | null;
  active?: boolean;
}

/**
 * Only http(s) URLs; credentials in the URL are refused (the secret is how receivers authenticate);
 * an IP literal must be a public address unless the policy allows private ones.
 */
export function assertWebhookUrl(url: string, policy: TargetPolicy): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid('invalid_url', 'url must be an absolute http(s) URL', { fields: [{ field: 'url', message: 'must be an absolute http(s) URL' }] });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('invalid_url', 'url must use http or https', { fields: [{ field: 'url', message: 'must use http or https' }] });
  if (u.username || u.password) throw invalid('invalid_url', 'url must not contain credentials', { fields: [{ field: 'url', message: 'must not contain credentials' }] });
  assertPublicTarget(url, policy.allowPrivate);
}

/** Normalises the component filter: unique ids of existing components, or null for all. */
export async function componentFilter(tx: Executor, ids: string[] | null | undefined): Promise<string[] | null> {
  if (!ids || !ids.length) return null;
  const unique = [...new Set(ids)];
  const rows = await tx.select({ id: components.id }).from(components).where(inArray(components.id, unique));
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  return unique;
}

/**
 * The endpoint without its secret, for the audit log. A Slack or Teams URL is itself the credential
 * (its path carries the token), so only its origin is kept.
 */
export function withoutSecret(row: WebhookRow): Omit<WebhookRow, 'secret'> {
  const { secret: _secret, ...rest } = row;
  if (row.type === 'generic') return rest;
  let origin = '';
  try {
    origin = new URL(row.url).origin;
  } catch {
    /* stored URLs are valid; say nothing if not */
  }
  return { ...rest, url: `${origin}/…` };
}

/** Admins add an endpoint; the signing secret is generated here and returned this once. */
export async function createWebhook(ctx: Ctx, input: WebhookInput, policy: TargetPolicy): Promise<{ webhook: WebhookRow; secret: string }> {
  assertCan(ctx.actor!.role, 'administer');
  assertWebhookUrl(input.url, policy);
  const secret = crypto.randomBytes(32).toString('base64url');
  return inTransaction(ctx, async (t) => {
    const [row] = await t.tx
      .insert(webhookEndpoints)
      .values({
        url: input.url,
        type: input.type ?? 'generic',
        secret,
        componentIds: await componentFilter(t.tx, input.components),
        description: input.description ?? null,
        active: input.active ?? true,
        createdBy: t.actor!.id,
        createdAt: t.now,
        updatedAt: t.now,
      })
      .returning();
    await recordAudit(t, { action: 'webhook.create', subjectType: 'webhook', subjectId: row!.id, after: withoutSecret(row!) });
    return { webhook: row!, secret };
  });
}

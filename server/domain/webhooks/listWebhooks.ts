import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { webhookEndpoints } from '../../db/schema.js';
import { notFound } from '../errors.js';
import type { WebhookRow } from './createWebhook.js';

export function listWebhooks(db: Executor): Promise<WebhookRow[]> {
  return db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.url));
}

export async function getWebhook(db: Executor, id: string): Promise<WebhookRow> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound('Webhook', id);
  return row;
}

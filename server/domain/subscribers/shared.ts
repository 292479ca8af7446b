import { eq, inArray } from 'drizzle-orm';
import { components, subscribers } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { DomainError, notFound } from '../errors.js';

export type SubscriberRow = typeof subscribers.$inferSelect;

/** Null = everything; otherwise every id must name a component (a group covers its members). */
export async function checkComponentIds(tx: Executor, ids: string[] | null | undefined): Promise<string[] | null> {
  if (!ids) return null;
  const unique = [...new Set(ids)];
  if (!unique.length) return null;
  const rows = await tx.select({ id: components.id }).from(components).where(inArray(components.id, unique));
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  return unique;
}

export async function lockSubscriber(tx: Executor, id: string): Promise<SubscriberRow> {
  const [row] = await tx.select().from(subscribers).where(eq(subscribers.id, id)).for('update');
  if (!row) throw notFound('Subscriber', id);
  return row;
}

import { asc, eq } from 'drizzle-orm';
import { incidentTemplates } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { notFound } from '../errors.js';

export type TemplateRow = typeof incidentTemplates.$inferSelect;

/** Every template by name. */
export function listTemplates(db: Executor): Promise<TemplateRow[]> {
  return db.select().from(incidentTemplates).orderBy(asc(incidentTemplates.name), asc(incidentTemplates.id));
}

export async function getTemplate(db: Executor, id: string): Promise<TemplateRow> {
  const [row] = await db.select().from(incidentTemplates).where(eq(incidentTemplates.id, id));
  if (!row) throw notFound('Incident template', id);
  return row;
}

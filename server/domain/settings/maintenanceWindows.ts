import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { DEFAULT_WINDOW_RULES, validateRules, type WindowRule } from '../maintenance/windows.js';

const KEY = 'maintenance_windows';

/** The weekly maintenance windows: the 'maintenance_windows' setting if valid, else the defaults. */
export async function getMaintenanceWindowRules(db: Executor): Promise<WindowRule[]> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  const value = row?.value as unknown;
  if (!Array.isArray(value) || value.length === 0 || validateRules(value).length > 0) return DEFAULT_WINDOW_RULES;
  return value as WindowRule[];
}

import { formatDuration } from './durations.js';

// The audit log shows what changed per field ("status: scheduled → cancelled") instead of two
// JSON blobs. Nested objects flatten to "a › b"; unchanged fields are left out.

export interface FieldChange {
  field: string;
  before: string;
  after: string;
  kind: 'added' | 'removed' | 'changed';
}

const NONE = '—';
const MAX = 300;
const SLA_GOAL = /^[1-4] › (work start|temporary fix|final fix)$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix} › ${k.replace(/_/g, ' ')}` : k.replace(/_/g, ' '), out);
  } else out.set(prefix || 'value', value);
}

function text(field: string, v: unknown): string {
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'number' && SLA_GOAL.test(field)) return formatDuration(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.every((x) => typeof x !== 'object' || x === null) ? v.join(', ') : JSON.stringify(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX ? `${s.slice(0, MAX)}…` : s;
}

/** Per-field before → after of one audit entry (creation: everything added; deletion: everything removed). */
export function auditDiff(before: unknown, after: unknown): FieldChange[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, '', b);
  if (after !== null && after !== undefined) flatten(after, '', a);
  const fields = [...new Set([...b.keys(), ...a.keys()])];
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const was = b.get(field);
    const now = a.get(field);
    if (JSON.stringify(was ?? null) === JSON.stringify(now ?? null)) continue;
    const kind = !b.has(field) || was === null ? 'added' : !a.has(field) || now === null ? 'removed' : 'changed';
    changes.push({ field, before: text(field, was), after: text(field, now), kind });
  }
  return changes;
}

import { MILESTONE_LABELS } from './labels.js';
import type { Milestone } from '../domain/incidents/sla.js';

// Human names of form fields, for error lists. A page may pass its own names (e.g. "body" is the
// "Public description" of maintenance but the "Message" of a notice); these are the defaults.
const DEFAULTS: Record<string, string> = {
  title: 'Title',
  name: 'Name',
  email: 'E-mail',
  password: 'Password',
  role: 'Role',
  severity: 'Severity',
  message: 'Message',
  body: 'Message',
  note: 'Internal note',
  reported_at: 'Reported at',
  next_update: 'Next update within',
  next_update_at: 'Next update by',
  next_update_in: 'Next update in',
  status: 'Status',
  description: 'Description',
  group_id: 'Group',
  position: 'Position',
  level: 'Level',
  publish_at: 'Publish at',
  expire_at: 'Expire at',
  url: 'URL',
  components: 'Components',
  window: 'Window',
  start_time: 'Start time',
  end_time: 'End time',
  starts_at: 'Starts',
  ends_at: 'Ends',
  reason: 'Reason',
  rules: 'Windows',
  effective_at: 'Takes effect at',
  custom_tweet: 'Tweet',
  milestone: 'Milestone',
  at: 'Time',
  from: 'From',
  to: 'To',
};

/** "sev2_final_fix" → "Severity 2 final fix"; "c.<id>" → "Component status"; known names from the table. */
export function fieldLabel(field: string, overrides: Record<string, string> = {}): string {
  // Own properties only: a field named "toString" or "__proto__" is data, not a label.
  if (Object.hasOwn(overrides, field)) return overrides[field]!;
  if (Object.hasOwn(DEFAULTS, field)) return DEFAULTS[field]!;
  const sla = /^sev([1-4])_(work_start|temporary_fix|final_fix)$/.exec(field);
  if (sla) return `Severity ${sla[1]} ${MILESTONE_LABELS[sla[2] as Milestone].toLowerCase()}`;
  if (field.startsWith('c.')) return 'Component status';
  if (field === '(body)') return 'Form';
  const words = field.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One readable sentence: "Title is required", "Severity: choose a severity"; full sentences stay as
 * they are. Field names inside the message ("expire_at must be after publish_at") read as words.
 */
export function fieldSentence(label: string, raw: string, field = ''): string {
  let message = field && raw.startsWith(field) ? raw.slice(field.length).replace(/^:?\s*/, '') : raw;
  message = message.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (w) => (Object.hasOwn(DEFAULTS, w) ? DEFAULTS[w]!.toLowerCase() : w));
  if (message.toLowerCase().startsWith(label.toLowerCase())) return message;
  if (/^(is|are|must|should|needs?|has|have|cannot|can't|does|do)\b/.test(message)) return `${label} ${message}`;
  return `${label}: ${message}`;
}

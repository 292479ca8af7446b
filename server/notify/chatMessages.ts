import { IMPACT_LABELS, statusLabel } from '../presenters/labels.js';
import { humanTime } from '../presenters/times.js';

/** The kinds of endpoint: a signed Beacon webhook, a Slack incoming webhook, a Teams workflow webhook. */
export const WEBHOOK_TYPES = ['generic', 'slack', 'teams'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** Slack refuses a section or context text over 3000 characters. */
export const SLACK_TEXT_MAX = 3000;

/** The public event as the chat formatters read it: a Statuspage incident or scheduled maintenance. */
interface Notice {
  name: string;
  status: string;
  impact: string;
  shortlink: string;
  scheduled_for?: string | null;
  scheduled_until?: string | null;
  components: Array<{ name: string }>;
  incident_updates: Array<{ body: string; status: string; created_at: string | null }>;
}

const HEADLINE: Record<string, string> = {
  'incident.created': 'New incident',
  'incident.updated': 'Incident update',
  'incident.resolved': 'Incident resolved',
  'incident.reopened': 'Incident reopened',
  'maintenance.announced': 'Maintenance scheduled',
  'maintenance.reminder_24h': 'Maintenance tomorrow',
  'maintenance.in_app_notice': 'Maintenance soon',
  'maintenance.started': 'Maintenance started',
  'maintenance.completed': 'Maintenance completed',
  'maintenance.rescheduled': 'Maintenance rescheduled',
  'maintenance.cancelled': 'Maintenance cancelled',
  ping: 'Test message',
};

/** Only incidents and maintenance reach chat channels; component and window changes are for machines. */
export function isChatEvent(type: string): boolean {
  return type.startsWith('incident.') || type.startsWith('maintenance.');
}

function noticeOf(data: Record<string, unknown>): Notice | null {
  const n = (data.incident ?? data.maintenance) as Notice | undefined;
  return n && typeof n.name === 'string' ? n : null;
}

/** What every product shows, in plain (unescaped) words. */
interface Facts {
  headline: string;
  title: string;
  status: string;
  impact: string;
  window: string | null;
  components: string | null;
  message: string;
  at: string;
  url: string | null;
}

function factsOf(type: string, data: Record<string, unknown>): Facts {
  const n = noticeOf(data);
  const headline = HEADLINE[type] ?? type;
  if (!n) return { headline, title: 'Beacon is connected', status: '', impact: '', window: null, components: null, message: 'Beacon will post incidents and maintenance here.', at: '', url: null };
  const latest = n.incident_updates[0];
  const window = n.scheduled_for ? `${humanTime(n.scheduled_for)} – ${humanTime(n.scheduled_until)}` : null;
  return {
    headline,
    title: n.name,
    status: statusLabel(n.status),
    impact: IMPACT_LABELS[n.impact] ?? '',
    window,
    components: n.components.length ? n.components.map((c) => c.name).join(', ') : null,
    message: latest?.body ?? '',
    at: humanTime(latest?.created_at ?? null),
    url: n.shortlink,
  };
}

/** Slack mrkdwn: &, < and > are control characters (links, mentions such as <!channel>). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts escaped text to Slack's limit without splitting an entity such as `&amp;`. */
function slackClip(escaped: string, max = SLACK_TEXT_MAX): string {
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, max - 1).replace(/&[a-z]*$/, '');
  return `${cut}…`;
}

/** A Slack incoming-webhook message: Block Kit sections and a context line; `text` is the notification fallback. */
export function slackMessage(type: string, data: Record<string, unknown>) {
  const f = factsOf(type, data);
  const e = slackEscape;
  const state = [f.status, f.impact].filter(Boolean).map((s) => `*${e(s)}*`).join(' · ');
  const head = [`*${e(f.headline)}: ${e(f.title)}*`, state, f.window ? `Window: ${e(f.window)}` : ''].filter(Boolean).join('\n');
  const context = [f.components ? `Affected: ${e(f.components)}` : '', f.at ? e(f.at) : '', f.url ? `<${e(f.url)}|View on the status page>` : ''].filter(Boolean).join(' · ');
  const blocks: Array<Record<string, unknown>> = [{ type: 'section', text: { type: 'mrkdwn', text: slackClip(head) } }];
  if (f.message) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackClip(e(f.message)) } });
  if (context) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackClip(context) }] });
  return { text: slackClip(e(`${f.headline}: ${f.title}${f.status ? ` (${f.status})` : ''}`)), blocks };
}

/**
 * A Teams workflow-webhook message holding one Adaptive Card. Words people wrote go in TextRuns,
 * which Teams never reads as Markdown, so a title cannot turn into a link or heading.
 */
export function teamsMessage(type: string, data: Record<string, unknown>) {
  const f = factsOf(type, data);
  const run = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...extra }] });
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: f.headline, size: 'Small', weight: 'Bolder', isSubtle: true, wrap: true },
    run(f.title, { size: 'Medium', weight: 'Bolder' }),
  ];
  const facts = [
    f.status && { title: 'Status', value: f.status },
    f.impact && { title: 'Impact', value: f.impact },
  ].filter(Boolean);
  if (facts.length) body.push({ type: 'FactSet', facts });
  if (f.window) body.push(run(`Window: ${f.window}`));
  if (f.components) body.push(run(`Affected: ${f.components}`, { isSubtle: true }));
  if (f.message) body.push(run(f.message));
  if (f.at) body.push({ type: 'TextBlock', text: f.at, size: 'Small', isSubtle: true, wrap: true });
  const card: Record<string, unknown> = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body };
  if (f.url) card.actions = [{ type: 'Action.OpenUrl', title: 'View on the status page', url: f.url }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The body an endpoint of this type receives for a Beacon message. */
export function bodyFor(kind: string, message: { type: string; data: Record<string, unknown> }): unknown {
  if (kind === 'slack') return slackMessage(message.type, message.data);
  if (kind === 'teams') return teamsMessage(message.type, message.data);
  return message;
}

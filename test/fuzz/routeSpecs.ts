import fc from 'fast-check';
import { componentStatuses, incidentStatuses, maintenanceStatuses, noticeLevels } from '../../server/db/schema.js';
import { milestones } from '../../server/domain/incidents/sla.js';
import { roles } from '../../server/domain/roles.js';
import { ref, Ref } from './hostile.js';

// What each write route takes, as plausible values: the fuzzer starts from these and breaks them
// (one field wrong, unknown keys, a hostile body). A write route without an entry here fails the
// test, so a new route gets a generator of its own rather than a generic random body.

type Gen = fc.Arbitrary<unknown>;
/** A form field; a key given as parts is joined after its references are resolved. */
export type FormEntry = [string | (string | Ref)[], unknown];
export interface RouteSpec {
  body: 'json' | 'form' | 'none';
  fields?: Record<string, Gen>;
  /** Extra form fields whose names are data (the console's `c.<component id>` selects). */
  dynamic?: fc.Arbitrary<FormEntry[]>;
  /** Query parameters (the signed subscriber links). */
  query?: fc.Arbitrary<Record<string, unknown>>;
}

// Around the test clock (Sunday 2026-11-29 12:00 UTC); the window occurrences are real ones.
const near = fc.date({ min: new Date('2026-10-01T00:00:00Z'), max: new Date('2027-03-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const WINDOWS = ['2026-12-02T03:00:00.000Z', '2026-12-06T03:00:00.000Z', '2026-12-09T03:00:00.000Z', '2026-12-13T03:00:00.000Z'];
const slot = fc.constantFrom(
  { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' },
  { scheduled_for: '2026-12-09T03:30:00Z', scheduled_until: '2026-12-09T05:00:00Z' },
  { scheduled_for: '2026-11-29T12:00:00Z', scheduled_until: '2026-11-29T14:00:00Z' },
);
const title = fc.string({ minLength: 1, maxLength: 60 });
const text = fc.string({ minLength: 1, maxLength: 300 });
const bool = fc.boolean();
const checkbox = fc.constantFrom('on', '', 'true', 'off');
const email = fc.emailAddress();
const password = fc.oneof(fc.constant('correct horse battery'), fc.string({ minLength: 8, maxLength: 40 }));
const hookUrl = fc.constantFrom('http://127.0.0.1:1/hook', 'https://127.0.0.1:1/x?y=1', 'http://localhost:1/', 'ftp://127.0.0.1/', 'http://user:pw@127.0.0.1:1/');
const componentList = fc.array(ref('components'), { maxLength: 4 });
const localTime = fc.oneof(near.map((s) => s.slice(0, 16)), near);
const hhmm = fc.constantFrom('22:00', '23:30', '01:00', '02:00', '00:00', '21:59');
const ruleLines = fc.constantFrom('Tue 22:00-02:00 America/New_York\nSat 22:00-02:00 America/New_York', 'Sun 01:00-03:00 Europe/Berlin', 'Wed 10:00-11:00');
// A passkey answer as the page's script posts it: readable JSON (signing no live challenge), or junk.
const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'bm90LWlzc3VlZA', origin: 'http://127.0.0.1' })).toString('base64url');
const passkeyAnswer = fc.oneof(
  fc.constantFrom(
    JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: clientData, authenticatorData: 'AAAA', signature: 'AAAA' } }),
    JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: clientData, attestationObject: 'oA' } }),
    '{"id":"x"}',
    '',
  ),
  fc.string({ maxLength: 200 }),
);
const OTP = fc.oneof(fc.constantFrom('000000', '123456', ''), fc.string({ maxLength: 12 }));
const sevString = fc.constantFrom('1', '2', '3', '4');
const minutes = fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 600 }).map(String));
const goal = fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 10_000 }));
const goals = fc.record({ work_start: goal, temporary_fix: goal, final_fix: goal });
// `c.<component id>` = status; the key's id part is resolved when sent.
const componentField = fc.array(fc.tuple(ref('components'), fc.constantFrom(...componentStatuses, '')), { maxLength: 3 }).map((xs) => xs.map(([id, st]): FormEntry => [['c.', id], st]));

const incidentConsole = { quiet: checkbox };
const slaFields = Object.fromEntries(['1', '2', '3', '4'].flatMap((s) => milestones.map((m) => [`sev${s}_${m}`, minutes])));
const componentForm = { name: title, description: text, group_id: fc.oneof(fc.constant(''), ref('components')), position: fc.integer({ min: 0, max: 50 }).map(String), status: fc.constantFrom(...componentStatuses), showcase: checkbox, only_show_if_degraded: checkbox };
const noticeForm = { title, body: text, level: fc.constantFrom(...noticeLevels), publish_at: localTime, expire_at: localTime, url: fc.constantFrom('', 'https://example.com/x'), dismissible: checkbox, components: componentList };
const markdown = fc.oneof(text, fc.constantFrom('# Cause\n\n<script>alert(1)</script> [x](javascript:alert(1))', '```\ncode\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |'));
const templateText = fc.oneof(text, fc.constantFrom('{{components}} down since {{time}}', '{{#each x}}{{this}}{{/each}}', '{{{raw}}}'));
const templateApi = { name: title, title: fc.oneof(templateText, fc.constant(null)), message: templateText, severity: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(null)), status: fc.oneof(fc.constantFrom(...incidentStatuses), fc.constant(null)), components: fc.array(fc.record({ id: ref('components'), status: fc.constantFrom(...componentStatuses) }), { maxLength: 3 }), custom_tweet: fc.oneof(title, fc.constant(null)), deliver_notifications: bool };
const templateForm = { name: title, title: fc.oneof(templateText, fc.constant('')), message: templateText, severity: fc.oneof(sevString, fc.constant('')), status: fc.constantFrom(...incidentStatuses, ''), custom_tweet: fc.oneof(title, fc.constant('')), quiet: checkbox };
const webhookForm = { url: hookUrl, description: text, components: componentList };
const webhookType = fc.constantFrom('generic', 'slack', 'teams', 'discord', '');
const maintenanceForm = { title, body: text, reason: text, window: fc.constantFrom(...WINDOWS), start_time: hhmm, end_time: hhmm, starts_at: localTime, ends_at: localTime };
// Statuspage documents: plausible entries (some with broken fields) for the import.
const spWhen = fc.oneof(near, fc.constant('yesterday'), fc.constant(null));
const spComponent = fc.record({ id: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.integer()), name: title, status: fc.constantFrom(...componentStatuses, 'weird'), created_at: spWhen, group: bool, group_id: fc.constantFrom(null, 'g1', 'x') }, { requiredKeys: [] });
const spUpdate = fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), status: fc.constantFrom('investigating', 'resolved', 'scheduled', 'completed'), body: text, created_at: spWhen }, { requiredKeys: [] });
const spIncident = fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), name: title, status: fc.constantFrom('investigating', 'resolved', 'postmortem', 'nope'), impact: fc.constantFrom('none', 'minor', 'major', 'critical', 'maintenance'), created_at: spWhen, resolved_at: spWhen, components: fc.array(fc.record({ id: fc.string({ maxLength: 8 }) }), { maxLength: 2 }), incident_updates: fc.array(spUpdate, { maxLength: 3 }) }, { requiredKeys: [] });
const spMaintenance = fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), name: title, status: fc.constantFrom('scheduled', 'in_progress', 'verifying', 'completed'), created_at: spWhen, scheduled_for: slot.map((s) => s.scheduled_for), scheduled_until: slot.map((s) => s.scheduled_until), incident_updates: fc.array(spUpdate, { maxLength: 2 }) }, { requiredKeys: [] });
const spImport = { components: fc.array(spComponent, { maxLength: 3 }), incidents: fc.array(spIncident, { maxLength: 3 }), scheduled_maintenances: fc.array(spMaintenance, { maxLength: 2 }) };
const spForm = Object.fromEntries(Object.entries(spImport).map(([k, g]) => [k, fc.oneof(g.map((a) => JSON.stringify(a)), g.map((a) => JSON.stringify({ [k]: a })), fc.constantFrom('', '{', '"x"'))]));

/** A subscriber id with its own signature most of the time, someone else's otherwise. */
const signed = fc.tuple(fc.nat(1000), fc.oneof(fc.constant(0), fc.nat(3))).map(([i, d]) => ({ s: new Ref('subscribers', i), sig: new Ref('subscriber_sigs', i + d) }));

export const ROUTE_SPECS: Record<string, RouteSpec> = {
  // Public subscriptions.
  'POST /api/v1/subscribers': { body: 'json', fields: { email, components: componentList } },
  'POST /subscribe': { body: 'form', fields: { email, components: componentList } },
  'POST /subscribe/manage': { body: 'form', fields: { scope: fc.constantFrom('all', 'some'), components: componentList }, query: signed },
  'POST /subscribe/unsubscribe': { body: 'form', fields: { 'List-Unsubscribe': fc.constant('One-Click') }, query: signed },

  // Staff API.
  'POST /api/v1/tokens': { body: 'json', fields: { email: fc.oneof(email, ref('user_emails')), password, name: title } },
  'DELETE /api/v1/tokens/:id': { body: 'none' },
  'POST /api/v1/users': { body: 'json', fields: { email, name: title, role: fc.constantFrom(...roles), password } },
  'PATCH /api/v1/users/:id': { body: 'json', fields: { name: title, role: fc.constantFrom(...roles), active: bool } },
  'DELETE /api/v1/users/:id': { body: 'none' },
  'POST /api/v1/deliveries/:id/retry': { body: 'none' },
  'POST /api/v1/components': { body: 'json', fields: { name: title, description: text, group: bool, group_id: ref('components'), position: fc.integer({ min: 0, max: 50 }), status: fc.constantFrom(...componentStatuses), showcase: bool, only_show_if_degraded: bool, start_date: fc.constantFrom('2026-01-01', '2025-12-31') } },
  'PATCH /api/v1/components/:id': { body: 'json', fields: { name: title, description: text, group_id: ref('components'), position: fc.integer({ min: 0, max: 50 }), status: fc.constantFrom(...componentStatuses), start_date: fc.constantFrom('2026-01-01', null) } },
  'DELETE /api/v1/components/:id': { body: 'none' },
  'POST /api/v1/incidents': { body: 'json', fields: { title, severity: fc.integer({ min: 1, max: 4 }), message: text, components: fc.array(fc.record({ id: ref('components'), status: fc.constantFrom(...componentStatuses) }), { maxLength: 3 }), reported_at: near, note: text, deliver_notifications: bool, custom_tweet: title, skip_twitter: bool, template_id: ref('incident_templates'), next_update_in: fc.integer({ min: -5, max: 20_000 }), next_update_at: fc.oneof(near, fc.constant(null)) } },
  'PATCH /api/v1/incidents/:id': { body: 'json', fields: { severity: fc.integer({ min: 1, max: 4 }), title } },
  'POST /api/v1/incidents/:id/updates': { body: 'json', fields: { status: fc.constantFrom(...incidentStatuses), message: text, components: fc.array(fc.record({ id: ref('components'), status: fc.constantFrom(...componentStatuses) }), { maxLength: 3 }), deliver_notifications: bool, reopen: bool, custom_tweet: title, skip_twitter: bool, template_id: ref('incident_templates'), next_update_in: fc.integer({ min: -5, max: 20_000 }), next_update_at: fc.oneof(near, fc.constant(null)) } },
  'POST /api/v1/incidents/:id/milestones': { body: 'json', fields: { milestone: fc.constantFrom(...milestones), at: near, message: text } },
  'POST /api/v1/incidents/:id/notes': { body: 'json', fields: { body: text } },
  'PUT /api/v1/incidents/:id/postmortem': { body: 'json', fields: { body: markdown } },
  'POST /api/v1/incidents/:id/postmortem/publish': { body: 'json', fields: { notify: bool } },
  'PUT /api/v1/sla-policy': { body: 'json', fields: { '1': goals, '2': goals, '3': goals, '4': goals } },
  'PUT /api/v1/update-cadence': { body: 'json', fields: { '1': goal, '2': goal, '3': goal, '4': goal } },
  'POST /api/v1/notices': { body: 'json', fields: { title, body: text, level: fc.constantFrom(...noticeLevels), publish_at: near, expire_at: fc.oneof(near, fc.constant(null)), dismissible: bool, url: fc.constantFrom('https://example.com', null), components: componentList } },
  'PATCH /api/v1/notices/:id': { body: 'json', fields: { title, body: text, level: fc.constantFrom(...noticeLevels), publish_at: near, expire_at: fc.oneof(near, fc.constant(null)), dismissible: bool, components: componentList } },
  'DELETE /api/v1/notices/:id': { body: 'none' },
  'POST /api/v1/incident-templates': { body: 'json', fields: templateApi },
  'PATCH /api/v1/incident-templates/:id': { body: 'json', fields: templateApi },
  'DELETE /api/v1/incident-templates/:id': { body: 'none' },
  'PUT /api/v1/maintenance-windows': { body: 'json', fields: { rules: fc.array(fc.record({ weekday: fc.integer({ min: 1, max: 7 }), start: hhmm, end: hhmm, zone: fc.constantFrom('America/New_York', 'Europe/Berlin', 'Mars/Olympus') }), { minLength: 1, maxLength: 3 }), effective_at: near } },
  'POST /api/v1/maintenances': { body: 'json', fields: { title, body: text, kind: fc.constantFrom('planned', 'unplanned'), scheduled_for: slot.map((s) => s.scheduled_for), scheduled_until: slot.map((s) => s.scheduled_until), components: componentList, notify: bool, reason: text } },
  'PATCH /api/v1/maintenances/:id': { body: 'json', fields: { title, body: text, scheduled_for: slot.map((s) => s.scheduled_for), scheduled_until: slot.map((s) => s.scheduled_until), notify: bool, reason: text } },
  'POST /api/v1/maintenances/:id/cancel': { body: 'json', fields: { reason: text } },
  'POST /api/v1/maintenances/:id/verifying': { body: 'none' },
  'POST /api/v1/maintenances/:id/complete': { body: 'none' },
  'POST /api/v1/webhooks': { body: 'json', fields: { url: hookUrl, type: webhookType, components: componentList, description: text, active: bool } },
  'PATCH /api/v1/webhooks/:id': { body: 'json', fields: { url: hookUrl, components: componentList, description: text, active: bool } },
  'DELETE /api/v1/webhooks/:id': { body: 'none' },
  'POST /api/v1/webhooks/:id/test': { body: 'none' },
  'DELETE /api/v1/me/sessions/:id': { body: 'none' },
  'DELETE /api/v1/users/:id/sessions': { body: 'none' },
  'POST /api/v1/users/:id/password-reset': { body: 'none' },
  'DELETE /api/v1/users/:id/two-factor': { body: 'none' },
  'PUT /api/v1/settings/two-factor': { body: 'json', fields: { required: bool } },
  'POST /api/v1/import/statuspage': { body: 'json', fields: spImport },

  // Console forms (session cookie + CSRF token).
  'POST /console/login': { body: 'form', fields: { email: fc.oneof(email, ref('user_emails')), password, next: fc.constantFrom('/console', '/console/incidents', '//evil.example', 'https://evil.example') } },
  'POST /console/logout': { body: 'none' },
  'POST /console/setup': { body: 'form', fields: { token: fc.string({ maxLength: 40 }), email, name: title, password } },
  'POST /console/set-password': { body: 'form', fields: { token: fc.string({ maxLength: 40 }), password } },
  'POST /console/tokens': { body: 'form', fields: { name: title } },
  'POST /console/tokens/:id/revoke': { body: 'none' },
  'POST /console/users': { body: 'form', fields: { email, name: title, role: fc.constantFrom(...roles) } },
  'POST /console/users/:id': { body: 'form', fields: { name: title, role: fc.constantFrom(...roles), active: checkbox } },
  'POST /console/users/:id/delete': { body: 'none' },
  'POST /console/deliveries/:id/retry': { body: 'none' },
  'POST /console/components': { body: 'form', fields: { ...componentForm, group: checkbox } },
  'POST /console/components/:id': { body: 'form', fields: componentForm },
  'POST /console/components/:id/delete': { body: 'none' },
  'POST /console/notices': { body: 'form', fields: noticeForm },
  'POST /console/notices/:id': { body: 'form', fields: { ...noticeForm, no_expiry: checkbox } },
  'POST /console/notices/:id/delete': { body: 'none' },
  'POST /console/templates': { body: 'form', fields: templateForm, dynamic: componentField },
  'POST /console/templates/:id': { body: 'form', fields: templateForm, dynamic: componentField },
  'POST /console/templates/:id/delete': { body: 'none' },
  'POST /console/sla-policy': { body: 'form', fields: slaFields },
  'POST /console/sla-policy/confirm': { body: 'none' },
  'POST /console/sla-policy/next-update': { body: 'form', fields: Object.fromEntries(['1', '2', '3', '4'].map((s) => [`next_update_sev${s}`, fc.oneof(fc.constant(''), fc.constantFrom('30m', '4h', '8d', 'soon'))])) },
  'POST /console/checklist/dismiss': { body: 'none' },
  'POST /console/incidents': { body: 'form', fields: { title, severity: sevString, message: text, note: text, reported_at: localTime, custom_tweet: title, next_update: fc.constantFrom('', '30m', '8d', 'soon'), ...incidentConsole }, dynamic: componentField },
  'POST /console/incidents/:id/updates': { body: 'form', fields: { status: fc.constantFrom(...incidentStatuses), message: text, reopen: checkbox, custom_tweet: title, skip_twitter: checkbox, next_update: fc.constantFrom('', '30m', '8d', 'soon'), ...incidentConsole }, dynamic: componentField },
  'POST /console/incidents/:id/milestones': { body: 'form', fields: { milestone: fc.constantFrom(...milestones), at: localTime } },
  'POST /console/incidents/:id/severity': { body: 'form', fields: { severity: sevString } },
  'POST /console/incidents/:id/notes': { body: 'form', fields: { body: text } },
  'POST /console/incidents/:id/postmortem': { body: 'form', fields: { body: markdown, action: fc.constantFrom('save', 'preview', 'other') } },
  'POST /console/incidents/:id/postmortem/publish': { body: 'form', fields: { notify: checkbox } },
  'POST /console/maintenance': { body: 'form', fields: { ...maintenanceForm, kind: fc.constantFrom('planned', 'unplanned'), components: componentList, notify: checkbox } },
  'POST /console/maintenance/:id/reschedule': { body: 'form', fields: maintenanceForm },
  'POST /console/maintenance/:id/cancel': { body: 'form', fields: { reason: text } },
  'POST /console/maintenance/:id/verifying': { body: 'none' },
  'POST /console/maintenance/:id/complete': { body: 'none' },
  'POST /console/maintenance-windows': { body: 'form', fields: { rules: ruleLines, effective_at: localTime } },
  'POST /console/webhooks': { body: 'form', fields: { ...webhookForm, type: webhookType } },
  'POST /console/webhooks/:id': { body: 'form', fields: { ...webhookForm, active: checkbox } },
  'POST /console/webhooks/:id/delete': { body: 'none' },
  'POST /console/webhooks/:id/test': { body: 'none' },
  'POST /console/login/saml/acs': { body: 'form', fields: { SAMLResponse: fc.oneof(fc.base64String({ maxLength: 400 }), fc.string({ maxLength: 200 }).map((x) => Buffer.from(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${x}</samlp:Response>`).toString('base64'))), RelayState: fc.constantFrom('/console', '//evil.example', 'https://evil.example') } },
  'POST /console/login/second-factor': { body: 'form', fields: { code: OTP, next: fc.constantFrom('/console', '//evil.example') } },
  'POST /console/login/second-factor/passkey/options': { body: 'none' },
  'POST /console/login/second-factor/passkey': { body: 'form', fields: { response: passkeyAnswer, next: fc.constantFrom('/console', '//evil.example') } },
  'POST /console/login/passkey/options': { body: 'none' },
  'POST /console/login/passkey': { body: 'form', fields: { response: passkeyAnswer, next: fc.constantFrom('/console', '//evil.example') } },
  'POST /console/forgot-password': { body: 'form', fields: { email: fc.oneof(email, ref('user_emails')) } },
  'POST /console/security/sessions/:id/end': { body: 'none' },
  'POST /console/security/totp/start': { body: 'none' },
  'POST /console/security/totp/confirm': { body: 'form', fields: { code: OTP } },
  'POST /console/security/totp/disable': { body: 'form', fields: { password, code: OTP } },
  'POST /console/security/passkeys/options': { body: 'none' },
  'POST /console/security/passkeys': { body: 'form', fields: { name: title, response: passkeyAnswer } },
  'POST /console/security/passkeys/:id/rename': { body: 'form', fields: { name: title } },
  'POST /console/security/passkeys/:id/remove': { body: 'form', fields: { confirm: checkbox } },
  'POST /console/users/policy/two-factor': { body: 'form', fields: { required: checkbox } },
  'POST /console/users/policy/sso-enforced': { body: 'form', fields: { enforced: checkbox } },
  'POST /console/users/:id/reset-link': { body: 'none' },
  'POST /console/users/:id/remove-two-factor': { body: 'none' },
  'POST /console/users/:id/end-sessions': { body: 'none' },
  'POST /console/backups': { body: 'none' },
  'POST /console/import/statuspage': { body: 'form', fields: spForm },
};

/** The table a `:id` in a path names (the segment before it); unknown segments fail the test. */
export const PARAM_TABLES: Record<string, string> = {
  tokens: 'api_tokens',
  users: 'users',
  deliveries: 'deliveries',
  components: 'components',
  incidents: 'incidents',
  notices: 'notices',
  'incident-templates': 'incident_templates',
  templates: 'incident_templates',
  maintenances: 'maintenances',
  maintenance: 'maintenances',
  webhooks: 'webhook_endpoints',
  sessions: 'sessions',
  passkeys: 'passkeys',
};

/** Query parameters the read routes understand, for the read-route part of the fuzz. */
export const QUERY_FIELDS: Record<string, Gen> = {
  month: fc.constantFrom('2026-11', '2026-01', '9999-12', '0000-01', '+275760-09', '2026-13', '1999-12', '2101-01'),
  from: near,
  to: near,
  cursor: fc.constantFrom('1', '0', '-1', '99999999999999999999', 'abc'),
  limit: fc.constantFrom('1', '25', '0', '1000', '1e309', '-5'),
  count: fc.constantFrom('1', '52', '53', '1e9'),
  status: fc.constantFrom(...incidentStatuses, ...maintenanceStatuses, 'dead', 'pending', 'investigating,resolved'),
  severity: fc.constantFrom('1', '1,2', '5', ''),
  component: ref('components'),
  format: fc.constantFrom('json', 'csv', 'xml'),
  s: ref('subscribers'),
  sig: ref('subscriber_sigs'),
  token: fc.string({ maxLength: 30 }),
  next: fc.constantFrom('/console', '//evil.example'),
  incident_id: ref('incidents'),
  custom_tweet: title,
  sla_state: fc.constantFrom('pending', 'met', 'breached', 'none', 'x'),
  saved: fc.constant('1'),
  all: fc.constantFrom('1', 'true', 'yes'),
};

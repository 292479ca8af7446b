import { z } from 'zod';
import { previewQuery } from '../../notify/tweetPreview.js';
import { query as auditQuery } from '../routes/api/audit.js';
import * as componentsApi from '../routes/api/components.js';
import { deliveriesQuery } from '../routes/api/deliveries.js';
import * as incidentFields from '../routes/api/incidentFields.js';
import * as maintenanceFields from '../routes/api/maintenanceFields.js';
import * as noticesApi from '../routes/api/notices.js';
import { cadenceBody, policyBody, reportQuery } from '../routes/api/slaRoutes.js';
import * as tokensApi from '../routes/api/tokens.js';
import * as usersApi from '../routes/api/users.js';
import * as webhooksApi from '../routes/api/webhooks.js';
import * as postmortemsApi from '../routes/api/postmortems.js';
import * as templateFields from '../routes/api/templateFields.js';
import { statuspageImportBody } from '../routes/api/import.js';
import * as r from './responses.js';

export type Permission = 'read' | 'operate' | 'administer' | 'none';

/** One staff API operation: the request schemas the route validates with, and what it answers. */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express form, as mounted under /api/v1 (`/incidents/:id`). */
  path: string;
  summary: string;
  tag: string;
  permission: Permission;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status → body schema; null = no body. */
  responses: Record<number, z.ZodType | null>;
  /** Other media types answered besides JSON (the SLA report's CSV). */
  alsoCsv?: boolean;
  /** The 200 answer is a zip archive, not JSON (the export). */
  zip?: boolean;
}

const tokenQuery = z.strictObject({ all: z.enum(['1', 'true']).optional() });
const incidentWithUpdate = z.looseObject({ incident_update: z.looseObject({ id: z.string(), status: z.string(), body: z.string() }), incident: r.incident });
const slaReport = z.looseObject({ from: z.iso.datetime(), to: z.iso.datetime(), severities: z.array(z.looseObject({})), backdated: z.array(z.looseObject({})) }).meta({ id: 'SlaReport' });
const windows = z.looseObject({ windows: z.array(z.looseObject({ starts_at: z.iso.datetime(), ends_at: z.iso.datetime() })), ...r.windowSchedule });
const windowsChanged = z.looseObject({ ...r.windowSchedule, needs_review: z.array(r.maintenance) });
const tweetPreview = z.looseObject({ text: z.string(), length: z.number().int(), max: z.number().int(), enabled: z.boolean() });
const webhookTest = z.looseObject({ status: z.number().int().nullable(), ok: z.boolean(), response_ms: z.number(), error: z.string().optional() });
const session = z.looseObject({ id: z.string(), current: z.boolean(), created_at: z.iso.datetime(), last_seen_at: z.iso.datetime().nullable(), expires_at: z.iso.datetime(), user_agent: z.string().nullable() }).meta({ id: 'Session' });
const twoFactorPolicy = z.looseObject({ required: z.boolean() });
const template = z.looseObject({ id: z.string(), name: z.string(), title: z.string().nullable(), message: z.string(), severity: z.number().int().nullable(), created_at: z.iso.datetime(), updated_at: z.iso.datetime() }).meta({ id: 'IncidentTemplate' });
const cadencePolicy = z.looseObject({ unit: z.literal('minutes'), policy: z.record(z.string(), z.number().int().nullable()) });
const retried = z.looseObject({ delivery: z.looseObject({ id: z.number().int(), status: z.string(), next_attempt_at: z.iso.datetime() }) });

/** Every staff route under /api/v1; test/http/openapiContract.test.ts fails when one is missing. */
export const OPERATIONS: Operation[] = [
  { method: 'post', path: '/tokens', summary: 'Create an API token from an e-mail and password (while single sign-on is enforced: break-glass admins only, others get 403 `sso_enforced`)', tag: 'Access', permission: 'none', body: tokensApi.createBody, responses: { 201: r.token.extend({ token: z.string() }) } },
  { method: 'get', path: '/tokens', summary: 'List your tokens (admins: `all=1` for everyone’s)', tag: 'Access', permission: 'read', query: tokenQuery, responses: { 200: r.list('tokens', r.token) } },
  { method: 'delete', path: '/tokens/:id', summary: 'Revoke a token', tag: 'Access', permission: 'read', responses: { 200: r.token } },
  { method: 'get', path: '/me', summary: 'Who the token belongs to', tag: 'Access', permission: 'read', responses: { 200: z.looseObject({ user: r.actor }) } },
  { method: 'get', path: '/users', summary: 'List staff', tag: 'Staff', permission: 'administer', responses: { 200: r.list('users', r.user) } },
  { method: 'post', path: '/users', summary: 'Invite or add a staff member', tag: 'Staff', permission: 'administer', body: usersApi.createBody, responses: { 201: z.looseObject({ user: r.user, invite_url: z.string().nullable() }) } },
  { method: 'patch', path: '/users/:id', summary: 'Change a staff member’s name, role or active flag', tag: 'Staff', permission: 'administer', body: usersApi.updateBody, responses: { 200: z.looseObject({ user: r.user }) } },
  { method: 'get', path: '/incident-templates', summary: 'List incident templates', tag: 'Incident templates', permission: 'read', responses: { 200: r.list('incident_templates', template) } },
  { method: 'post', path: '/incident-templates', summary: 'Save an incident template ({{components}} and {{time}} are filled in when used)', tag: 'Incident templates', permission: 'operate', body: templateFields.createTemplateBody, responses: { 201: template } },
  { method: 'get', path: '/incident-templates/:id', summary: 'One incident template', tag: 'Incident templates', permission: 'read', responses: { 200: template } },
  { method: 'patch', path: '/incident-templates/:id', summary: 'Change an incident template', tag: 'Incident templates', permission: 'operate', body: templateFields.updateTemplateBody, responses: { 200: template } },
  { method: 'delete', path: '/incident-templates/:id', summary: 'Delete an incident template', tag: 'Incident templates', permission: 'operate', responses: { 204: null } },
  { method: 'put', path: '/incidents/:id/postmortem', summary: 'Save the postmortem draft (Markdown) of a resolved incident', tag: 'Incidents', permission: 'operate', body: postmortemsApi.saveBody, responses: { 200: r.incident } },
  { method: 'post', path: '/incidents/:id/postmortem/publish', summary: 'Publish the postmortem (optionally notifying subscribers)', tag: 'Incidents', permission: 'operate', body: postmortemsApi.publishBody, responses: { 200: r.incident } },
  { method: 'get', path: '/me/data', summary: 'Download my data: profile, sessions, tokens’ metadata, audit entries about me, what I wrote', tag: 'Access', permission: 'read', responses: { 200: z.looseObject({}) } },
  { method: 'delete', path: '/users/:id', summary: 'Delete a staff account (name and e-mail scrubbed; what they wrote stays, as “former staff member”)', tag: 'Staff', permission: 'administer', responses: { 204: null } },
  { method: 'get', path: '/export', summary: 'Export everything as a zip of JSON and CSV files, one per kind (streamed)', tag: 'Data', permission: 'administer', responses: { 200: null }, zip: true },
  { method: 'post', path: '/import/statuspage', summary: 'Import components, incidents and maintenance from Statuspage’s public JSON (idempotent)', tag: 'Data', permission: 'administer', body: statuspageImportBody, responses: { 200: z.looseObject({}) } },
  { method: 'get', path: '/update-cadence', summary: '"Next update by" default interval per severity, in minutes (null = no commitment)', tag: 'SLA', permission: 'read', responses: { 200: cadencePolicy } },
  { method: 'put', path: '/update-cadence', summary: 'Change the default "next update by" intervals', tag: 'SLA', permission: 'administer', body: cadenceBody, responses: { 200: cadencePolicy } },
  { method: 'get', path: '/me/sessions', summary: 'Your console sessions', tag: 'Access', permission: 'read', responses: { 200: r.list('sessions', session) } },
  { method: 'delete', path: '/me/sessions/:id', summary: 'End one of your console sessions', tag: 'Access', permission: 'read', responses: { 204: null } },
  { method: 'delete', path: '/users/:id/sessions', summary: 'End every console session of a staff member', tag: 'Staff', permission: 'administer', responses: { 200: z.looseObject({ sessions_ended: z.number().int() }) } },
  { method: 'post', path: '/users/:id/password-reset', summary: 'Issue a one-hour password reset link (to hand over when e-mail is off)', tag: 'Staff', permission: 'administer', responses: { 201: z.looseObject({ reset_url: z.string() }) } },
  { method: 'delete', path: '/users/:id/two-factor', summary: 'Remove a staff member’s second factor (and end their sessions)', tag: 'Staff', permission: 'administer', responses: { 200: z.looseObject({ removed: z.boolean() }) } },
  { method: 'get', path: '/settings/two-factor', summary: 'Whether two-factor sign-in is required for all staff', tag: 'Staff', permission: 'administer', responses: { 200: twoFactorPolicy } },
  { method: 'put', path: '/settings/two-factor', summary: 'Require (or stop requiring) two-factor sign-in for all staff', tag: 'Staff', permission: 'administer', body: usersApi.twoFactorPolicyBody, responses: { 200: twoFactorPolicy } },
  { method: 'get', path: '/audit', summary: 'Audit log, newest first', tag: 'Staff', permission: 'administer', query: auditQuery, responses: { 200: r.list('entries', r.auditEntry, r.idCursor) } },
  { method: 'get', path: '/deliveries', summary: 'Notification deliveries (filter by status and channel)', tag: 'Notifications', permission: 'administer', query: deliveriesQuery, responses: { 200: r.list('deliveries', r.delivery, r.idCursor) } },
  { method: 'post', path: '/deliveries/:id/retry', summary: 'Send a dead delivery again', tag: 'Notifications', permission: 'administer', responses: { 200: retried } },
  { method: 'get', path: '/components', summary: 'List components', tag: 'Components', permission: 'read', responses: { 200: r.list('components', r.component) } },
  { method: 'get', path: '/components/:id', summary: 'One component', tag: 'Components', permission: 'read', responses: { 200: r.component } },
  { method: 'post', path: '/components', summary: 'Add a component or group', tag: 'Components', permission: 'administer', body: componentsApi.createBody, responses: { 201: r.component } },
  { method: 'patch', path: '/components/:id', summary: 'Change a component (status, name, …)', tag: 'Components', permission: 'operate', body: componentsApi.updateBodySchema, responses: { 200: r.component } },
  { method: 'delete', path: '/components/:id', summary: 'Delete a component', tag: 'Components', permission: 'administer', responses: { 204: null } },
  { method: 'get', path: '/incidents', summary: 'List incidents', tag: 'Incidents', permission: 'read', query: incidentFields.listQuery, responses: { 200: r.list('incidents', r.incident, r.stringCursor) } },
  { method: 'post', path: '/incidents', summary: 'Open an incident', tag: 'Incidents', permission: 'operate', body: incidentFields.createIncidentBody, responses: { 201: r.incident } },
  { method: 'get', path: '/incidents/:id', summary: 'One incident with updates, components and timeline', tag: 'Incidents', permission: 'read', responses: { 200: r.incident } },
  { method: 'patch', path: '/incidents/:id', summary: 'Change severity, title or owner', tag: 'Incidents', permission: 'operate', body: incidentFields.patchBody, responses: { 200: r.incident } },
  { method: 'post', path: '/incidents/:id/updates', summary: 'Post a public update', tag: 'Incidents', permission: 'operate', body: incidentFields.updateBody, responses: { 201: incidentWithUpdate } },
  { method: 'post', path: '/incidents/:id/milestones', summary: 'Record an SLA milestone (backdated with a reason)', tag: 'Incidents', permission: 'operate', body: incidentFields.milestoneBody, responses: { 201: r.incident } },
  { method: 'post', path: '/incidents/:id/notes', summary: 'Add an internal note', tag: 'Incidents', permission: 'operate', body: z.strictObject({ body: incidentFields.messageField }), responses: { 201: r.incident } },
  { method: 'get', path: '/tweet-preview', summary: 'The tweet an update would send', tag: 'Incidents', permission: 'operate', query: previewQuery.extend({ incident_id: z.uuid() }), responses: { 200: tweetPreview } },
  { method: 'get', path: '/sla-policy', summary: 'SLA goals per severity, in minutes', tag: 'SLA', permission: 'read', responses: { 200: r.slaPolicy } },
  { method: 'put', path: '/sla-policy', summary: 'Replace the SLA goals', tag: 'SLA', permission: 'administer', body: policyBody, responses: { 200: r.slaPolicy } },
  { method: 'get', path: '/reports/sla', summary: 'SLA report for a period (JSON, or CSV with `format=csv`)', tag: 'SLA', permission: 'read', query: reportQuery, responses: { 200: slaReport }, alsoCsv: true },
  { method: 'get', path: '/notices', summary: 'List notices', tag: 'Notices', permission: 'read', responses: { 200: r.list('notices', r.notice) } },
  { method: 'get', path: '/notices/:id', summary: 'One notice', tag: 'Notices', permission: 'read', responses: { 200: r.notice } },
  { method: 'post', path: '/notices', summary: 'Add a notice for the in-app banner', tag: 'Notices', permission: 'operate', body: noticesApi.createBody, responses: { 201: r.notice } },
  { method: 'patch', path: '/notices/:id', summary: 'Change a notice', tag: 'Notices', permission: 'operate', body: noticesApi.updateBody, responses: { 200: r.notice } },
  { method: 'delete', path: '/notices/:id', summary: 'Delete a notice', tag: 'Notices', permission: 'operate', responses: { 204: null } },
  { method: 'get', path: '/maintenance-windows', summary: 'Upcoming maintenance windows and their rules', tag: 'Maintenance', permission: 'read', query: maintenanceFields.windowsQuery, responses: { 200: windows } },
  { method: 'put', path: '/maintenance-windows', summary: 'Change the window rules (from a date)', tag: 'Maintenance', permission: 'administer', body: maintenanceFields.windowsBody, responses: { 200: windowsChanged } },
  { method: 'get', path: '/maintenances', summary: 'List maintenance', tag: 'Maintenance', permission: 'read', query: maintenanceFields.listQuery, responses: { 200: r.list('maintenances', r.maintenance) } },
  { method: 'get', path: '/maintenances/:id', summary: 'One maintenance', tag: 'Maintenance', permission: 'read', responses: { 200: r.maintenance } },
  { method: 'post', path: '/maintenances', summary: 'Schedule maintenance', tag: 'Maintenance', permission: 'operate', body: maintenanceFields.scheduleBody, responses: { 201: r.maintenance } },
  { method: 'patch', path: '/maintenances/:id', summary: 'Reschedule or edit maintenance', tag: 'Maintenance', permission: 'operate', body: maintenanceFields.rescheduleBody, responses: { 200: r.maintenance } },
  { method: 'post', path: '/maintenances/:id/cancel', summary: 'Cancel maintenance', tag: 'Maintenance', permission: 'operate', body: maintenanceFields.cancelBody, responses: { 200: r.maintenance } },
  { method: 'post', path: '/maintenances/:id/verifying', summary: 'Maintenance work done; verifying', tag: 'Maintenance', permission: 'operate', responses: { 200: r.maintenance } },
  { method: 'post', path: '/maintenances/:id/complete', summary: 'Complete maintenance', tag: 'Maintenance', permission: 'operate', responses: { 200: r.maintenance } },
  { method: 'get', path: '/webhooks', summary: 'List webhook endpoints (generic, Slack, Teams)', tag: 'Webhooks', permission: 'administer', responses: { 200: r.list('webhooks', r.webhook) } },
  { method: 'get', path: '/webhooks/:id', summary: 'One webhook endpoint', tag: 'Webhooks', permission: 'administer', responses: { 200: r.webhook } },
  { method: 'post', path: '/webhooks', summary: 'Add an endpoint; the signing secret is returned this once', tag: 'Webhooks', permission: 'administer', body: webhooksApi.createBody, responses: { 201: r.webhook.extend({ secret: z.string() }) } },
  { method: 'patch', path: '/webhooks/:id', summary: 'Change an endpoint', tag: 'Webhooks', permission: 'administer', body: webhooksApi.updateBody, responses: { 200: r.webhook } },
  { method: 'delete', path: '/webhooks/:id', summary: 'Delete an endpoint', tag: 'Webhooks', permission: 'administer', responses: { 204: null } },
  { method: 'post', path: '/webhooks/:id/test', summary: 'Send a test message now and report the answer', tag: 'Webhooks', permission: 'administer', responses: { 200: webhookTest } },
];

import { z } from 'zod';
import { roles } from '../../domain/roles.js';
import { WEBHOOK_TYPES } from '../../notify/chatMessages.js';

// What the staff API answers, written down for the OpenAPI description and checked against real
// answers by test/http/openapiContract.test.ts. Objects stay open (looseObject): a new field is not a
// breaking change, a missing or mistyped documented one is.

const id = z.uuid();
const at = z.iso.datetime({ offset: true });
const atOrNull = at.nullable();
const cursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page');

export const errorBody = z
  .strictObject({ error: z.looseObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error', description: 'The error contract: `code` for machines, `message` for people, `details` per field where it helps' });

export const component = z
  .looseObject({
    id,
    name: z.string(),
    status: z.string(),
    description: z.string().nullable(),
    position: z.number().int(),
    group: z.boolean(),
    group_id: id.nullable(),
    showcase: z.boolean(),
    only_show_if_degraded: z.boolean(),
    start_date: z.string().nullable(),
    created_at: at,
    updated_at: at,
  })
  .meta({ id: 'Component' });

const publicUpdate = z.looseObject({ id: z.string(), status: z.string(), body: z.string(), created_at: at, display_at: atOrNull });
const perMilestone = <T extends z.ZodType>(t: T) => z.looseObject({ work_start: t, temporary_fix: t, final_fix: t });
const slaTimer = z.looseObject({ due_at: atOrNull, met_at: atOrNull, state: z.string() });

export const incident = z
  .looseObject({
    id,
    name: z.string(),
    title: z.string(),
    status: z.string(),
    severity: z.number().int().min(1).max(4),
    impact: z.string(),
    reported_at: at,
    created_at: at,
    updated_at: at,
    resolved_at: atOrNull,
    owner_id: id.nullable(),
    milestones: perMilestone(atOrNull),
    sla: perMilestone(slaTimer),
    next_deadline_at: atOrNull,
    components: z.array(component).optional(),
    incident_updates: z.array(publicUpdate).optional(),
    timeline: z.array(z.looseObject({ id: z.union([z.string(), z.number()]), kind: z.string(), at })).optional(),
  })
  .meta({ id: 'Incident' });

export const maintenance = z
  .looseObject({
    id,
    name: z.string(),
    status: z.string(),
    impact: z.literal('maintenance'),
    kind: z.string(),
    notify: z.boolean(),
    body: z.string(),
    reason: z.string().nullable(),
    scheduled_for: at,
    scheduled_until: at,
    started_at: atOrNull,
    resolved_at: atOrNull,
    cancelled_at: atOrNull,
    components: z.array(component),
    created_at: at,
    updated_at: at,
  })
  .meta({ id: 'Maintenance' });

export const notice = z
  .looseObject({
    id,
    title: z.string(),
    body: z.string(),
    level: z.string(),
    publish_at: atOrNull,
    expire_at: atOrNull,
    dismissible: z.boolean(),
    url: z.string().nullable(),
    active: z.boolean(),
    created_at: at,
    updated_at: at,
  })
  .meta({ id: 'Notice' });

export const webhook = z
  .looseObject({
    id,
    type: z.enum(WEBHOOK_TYPES),
    url: z.string(),
    components: z.array(id).nullable(),
    description: z.string().nullable(),
    active: z.boolean(),
    created_by: id.nullable(),
    created_at: at,
    updated_at: at,
  })
  .meta({ id: 'Webhook' });

export const user = z
  .looseObject({ id, email: z.string(), name: z.string(), role: z.enum(roles), active: z.boolean(), has_password: z.boolean().optional(), created_at: at.optional(), updated_at: at.optional() })
  .meta({ id: 'User' });

/** Who a token belongs to (GET /me). */
export const actor = z.looseObject({ id, email: z.string(), name: z.string(), role: z.enum(roles) }).meta({ id: 'Actor' });

export const token = z
  .looseObject({ id, name: z.string(), prefix: z.string(), user_id: id, created_at: at, last_used_at: atOrNull, revoked_at: atOrNull })
  .meta({ id: 'ApiToken' });

export const delivery = z
  .looseObject({
    id: z.number().int(),
    event_id: z.number().int(),
    event_type: z.string().nullable(),
    channel: z.string(),
    target: z.string(),
    idempotency_key: z.string(),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    next_attempt_at: atOrNull,
    last_error: z.string().nullable(),
    delivered_at: atOrNull,
    created_at: at,
  })
  .meta({ id: 'Delivery' });

export const auditEntry = z
  .looseObject({
    id: z.union([z.number().int(), z.string()]),
    at,
    actor: z.looseObject({ id, email: z.string().nullable() }).nullable(),
    action: z.string(),
    subject_type: z.string(),
    subject_id: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    request_id: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

const goal = z.number().int().nullable();
export const slaPolicy = z
  .looseObject({ unit: z.literal('minutes'), policy: z.looseObject({ 1: perMilestone(goal), 2: perMilestone(goal), 3: perMilestone(goal), 4: perMilestone(goal) }) })
  .meta({ id: 'SlaPolicy' });

const windowRule = z.looseObject({});
export const windowSchedule = {
  rules: z.array(windowRule),
  pending_change: z.unknown(),
};

export const list = <T extends z.ZodType>(key: string, item: T, paged?: z.ZodType) =>
  z.looseObject({ [key]: z.array(item), ...(paged && { next_cursor: paged }) });

/** Page cursors: opaque strings, or the last id seen (the audit log). */
export const stringCursor = cursor;
export const idCursor = z.number().int().nullable().describe('Pass as `cursor` for the next page; null on the last page');

import { z } from 'zod';
import { errorBody } from './responses.js';
import { OPERATIONS, type Operation } from './operations.js';

type Json = Record<string, unknown>;

const ROLE_TEXT: Record<string, string> = {
  none: 'No token needed.',
  read: 'Any staff token (observer, regular, admin).',
  operate: 'Regular staff and admins.',
  administer: 'Admins only.',
};

const TAG_TEXT: Record<string, string> = {
  Access: 'API tokens and who you are',
  Staff: 'Staff accounts and the audit log',
  Notifications: 'Outbox deliveries: e-mail, webhooks, Slack, Teams, Twitter',
  Components: 'What the status page shows',
  Incidents: 'Incidents, their public updates, milestones and notes',
  SLA: 'SLA goals and the report',
  Notices: 'Staff notices for the in-app banner',
  Maintenance: 'Planned and unplanned maintenance and the maintenance windows',
  Webhooks: 'Endpoints that receive public events: signed JSON, Slack or Teams',
};

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema. Requests are described as sent
 * (`io: input`: defaults optional), responses as produced. Named schemas (`.meta({id})`) go to
 * components and are referenced.
 */
function schemaOf(s: z.ZodType, io: 'input' | 'output', defs: Json): Json {
  const raw = z.toJSONSchema(s, { io, target: 'draft-2020-12', unrepresentable: 'any', reused: 'inline' });
  const j = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  const own = (j.$defs ?? {}) as Json;
  for (const [k, v] of Object.entries(own)) defs[k] = v;
  const { $schema: _s, $defs: _d, ...rest } = j;
  if (typeof rest.id === 'string') {
    // The top schema itself is named: keep it once in components, refer to it here.
    const { id, ...schema } = rest;
    defs[id] = schema;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rest;
}

/** Express `/incidents/:id` → OpenAPI `/incidents/{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function queryParameters(s: z.ZodType, defs: Json): Json[] {
  const j = schemaOf(s, 'input', defs);
  const props = (j.properties ?? {}) as Record<string, Json>;
  const required = new Set((j.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }));
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(op: Operation, defs: Json): Json {
  const params: Json[] = [...op.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: op.path.startsWith('/deliveries') ? { type: 'integer', minimum: 1 } : { type: 'string', format: 'uuid' },
  }));
  if (op.query) params.push(...queryParameters(op.query, defs));
  const responses: Json = {};
  for (const [status, schema] of Object.entries(op.responses)) {
    if (schema === null && op.zip) {
      responses[status] = { description: 'A zip archive', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } };
      continue;
    }
    if (schema === null) {
      responses[status] = { description: 'Done; no body' };
      continue;
    }
    const content: Json = { 'application/json': { schema: schemaOf(schema, 'output', defs) } };
    if (op.alsoCsv) content['text/csv'] = { schema: { type: 'string' } };
    responses[status] = { description: Number(status) === 201 ? 'Created' : 'OK', content };
  }
  responses['400'] = errorResponse('Malformed request (`details.fields` names each bad field)');
  if (op.permission === 'none') responses['401'] = errorResponse('Wrong e-mail or password');
  else {
    responses['401'] = errorResponse('No or bad token');
    responses['403'] = errorResponse('The token’s role may not do this');
  }
  if (op.path.includes(':')) responses['404'] = errorResponse('No such object');
  if (op.method !== 'get') {
    responses['409'] = errorResponse('Conflicts with the current state (already done, taken, changed meanwhile)');
    responses['422'] = errorResponse('A domain rule refused it');
  }
  responses['429'] = errorResponse('Too many requests');
  const tagId = `${op.method}${op.path.replace(/[/:-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`;
  return {
    operationId: tagId,
    summary: op.summary,
    description: `Permission: ${ROLE_TEXT[op.permission]}`,
    tags: [op.tag],
    ...(op.permission === 'none' ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input', defs) } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 description of the staff API, built from the schemas the routes validate with. */
export function openApiDocument(publicUrl: string): Json {
  const defs: Json = {};
  schemaOf(errorBody, 'output', defs);
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[openApiPath(op.path)] ??= {})[op.method] = operation(op, defs);
  const tags = [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name, description: TAG_TEXT[name] ?? name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beacon staff API',
      version: '1',
      description:
        'The staff API of Beacon. Authenticate with `Authorization: Bearer <token>` (create one with `POST /tokens`). ' +
        'Errors follow one contract: `{"error": {"code", "message", "details"}}`. The public, Statuspage-compatible API is under `/api/v2`.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the description works on whatever host serves it.
    servers: [{ url: '/api/v1', description: publicUrl }],
    security: [{ bearer: [] }],
    tags,
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Beacon API token' } }, schemas: defs },
  };
}

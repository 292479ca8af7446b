import fc from 'fast-check';
import { anyText, deepJson, hugeText, protoKey, Ref, ref, wrongFormValue, wrongValue } from './hostile.js';
import { PARAM_TABLES, QUERY_FIELDS, type FormEntry, type RouteSpec } from './routeSpecs.js';

/** One generated request, with references to rows still unresolved. */
export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Body;
  accept: string | undefined;
  as: 'admin' | 'regular' | 'observer' | 'anonymous' | 'bad_token';
  csrf: 'valid' | 'missing' | 'wrong';
  /** Odd headers: request ids, cookies and authorization values no client should send. */
  headers: Record<string, string>;
}

export type Body =
  | { kind: 'empty' }
  | { kind: 'json'; entries: [string, unknown][] }
  | { kind: 'json-value'; value: unknown }
  | { kind: 'form'; entries: FormEntry[] }
  | { kind: 'raw'; contentType: string | undefined; text: string; encoding?: string; bytes?: boolean };

const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 80 });
const oddHeaders = fc.oneof(
  { weight: 9, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ 'x-request-id': latin1, cookie: fc.oneof(latin1, fc.constantFrom('beacon_session=%E0%A4%A', 'beacon_session=; beacon_session=x', 'beacon_pre=' + 'x'.repeat(4000))) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.record({ authorization: fc.oneof(latin1, fc.constantFrom('Bearer', 'Bearer  ', 'Basic YTpi', 'Bearer ' + 'x'.repeat(5000))) }) },
);

const ACCEPT = fc.constantFrom('application/json', 'text/html', '*/*', undefined, 'application/json, text/html', 'image/png');

const hostileSegment = fc.constantFrom(
  'not-a-uuid', '0', '-1', '1.5', '99999999999999999999', '1e309', 'NaN', '%00', '%E0%A4%A', '%FF', '..', '%2e%2e%2f', 'x'.repeat(500),
  '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF', '{6f1d7a52-1111-4222-8333-944455556666}', '%20', '__proto__', '%C0%AE',
);

/** A path parameter: usually an existing row, else a random id or a hostile segment. */
function paramArb(path: string, name: string): fc.Arbitrary<unknown> {
  const segments = path.split('/');
  const before = segments[segments.indexOf(`:${name}`) - 1] ?? '';
  const table = PARAM_TABLES[before];
  if (!table) throw new Error(`no table known for :${name} after "${before}" in ${path}; add it to PARAM_TABLES`);
  return fc.oneof({ weight: 14, arbitrary: ref(table) }, { weight: 3, arbitrary: fc.uuid() }, { weight: 3, arbitrary: hostileSegment.map((s) => ({ raw: s })) });
}

/** Bodies no route should accept: malformed or deep JSON, odd types and encodings, too many form fields. */
const hostileBody: fc.Arbitrary<Body> = fc.oneof(
  wrongValue.map((value): Body => ({ kind: 'json-value', value })),
  fc.constantFrom('{"a":', '{"a":1}}', "{'a':1}", '\u0000', '\ufeff{}', 'null', '"x"', '[]', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":1,"a":2}', '1e99999').map((text): Body => ({ kind: 'raw', contentType: 'application/json', text })),
  deepJson.map((text): Body => ({ kind: 'raw', contentType: 'application/json', text })),
  hugeText.map((s): Body => ({ kind: 'json', entries: [['title', s]] })),
  fc.tuple(fc.constantFrom('utf-16', 'koi8-r', 'latin1', 'x-unknown', 'utf-7'), fc.constantFrom('application/json', 'application/x-www-form-urlencoded')).map(([cs, ct]): Body => ({ kind: 'raw', contentType: `${ct}; charset=${cs}`, text: '{"a":"b"}' })),
  fc.tuple(fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'identity, gzip'), fc.constantFrom('application/json', 'application/x-www-form-urlencoded')).map(([encoding, ct]): Body => ({ kind: 'raw', contentType: ct, text: 'not compressed at all', encoding })),
  fc.constantFrom('%E0%A4%A=1', '%00=%00', '&&&==&', 'a[b][c]=1&a[b]=2', '=', '%FF%FE=%C0%80', 'title=%00&body=%1B[31m', '_csrf=%00').map((text): Body => ({ kind: 'raw', contentType: 'application/x-www-form-urlencoded', text })),
  fc.tuple(fc.constantFrom(95, 101, 120, 251, 260, 600, 2_000), fc.boolean()).map(([n, repeat]): Body => ({ kind: 'form', entries: Array.from({ length: n }, (_, i): FormEntry => [repeat ? 'components' : `f${i}`, String(i)]) })),
  fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', undefined, 'application/json').map((contentType): Body => ({ kind: 'raw', contentType, text: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--' })),
  fc.constant<Body>({ kind: 'raw', contentType: 'application/json', text: '{"title":"\xff\xfe"}', bytes: true }),
);

/** Plausible fields, then (usually) something broken: one field wrong, unknown or prototype keys, or a hostile body. */
function bodyArb(spec: RouteSpec): fc.Arbitrary<Body> {
  if (spec.body === 'none' || !spec.fields) return fc.oneof({ weight: 3, arbitrary: fc.constant<Body>({ kind: 'empty' }) }, { weight: 2, arbitrary: hostileBody });
  const keys = Object.keys(spec.fields);
  const fields = fc.oneof(fc.record(spec.fields), fc.record(spec.fields, { requiredKeys: [] }));
  const form = spec.body === 'form';
  const wrong = form ? wrongFormValue : wrongValue;
  const dynamic = spec.dynamic ?? fc.constant([] as FormEntry[]);
  const mutated = fc
    .tuple(fields, dynamic, fc.nat(4), fc.constantFrom(...keys), wrong, fc.array(fc.tuple(fc.oneof(protoKey, fc.string({ maxLength: 10 }), fc.constantFrom('c.notauuid', 'c.6f1d7a52-1111-4222-8333-944455556666')), wrong), { minLength: 1, maxLength: 3 }))
    .map(([base, dyn, mode, key, value, extra]): Body => {
      const entries: FormEntry[] = [...Object.entries(base), ...dyn];
      if (mode === 1 || mode === 2) {
        const i = entries.findIndex(([k]) => k === key);
        if (i >= 0) entries[i] = [key, value];
        else entries.push([key, value]);
      }
      if (mode === 3) entries.push(...extra);
      return form ? { kind: 'form', entries } : { kind: 'json', entries: entries as [string, unknown][] };
    });
  return fc.oneof({ weight: 8, arbitrary: mutated }, { weight: 2, arbitrary: hostileBody });
}

const queryArb = (spec: RouteSpec | undefined): fc.Arbitrary<Record<string, unknown>> => {
  const junk = fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(QUERY_FIELDS)), protoKey, fc.string({ maxLength: 6 })), fc.oneof(anyText, ...Object.values(QUERY_FIELDS)), { maxKeys: 3 });
  const known = fc.record(QUERY_FIELDS, { requiredKeys: [] });
  const base = spec?.query ?? (spec ? fc.constant({}) : fc.oneof(known, junk));
  return fc.tuple(base, fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: junk })).map(([a, b]) => ({ ...b, ...a }));
};

const whoFor = (path: string) =>
  path.startsWith('/api/v1/') || path.startsWith('/console/')
    ? fc.constantFrom<FuzzRequest['as']>(...(Array(16).fill('admin') as 'admin'[]), 'regular', 'regular', 'observer', 'anonymous', 'bad_token')
    : fc.constant<FuzzRequest['as']>('anonymous');

/** Requests for one route; `spec` is undefined for read routes (query strings are fuzzed instead). */
export function requestArb(method: string, path: string, spec: RouteSpec | undefined): fc.Arbitrary<FuzzRequest> {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const params = fc.record(Object.fromEntries(names.map((n) => [n, paramArb(path, n)])));
  const body = spec ? bodyArb(spec) : fc.constant<Body>({ kind: 'empty' });
  const csrf = fc.constantFrom<FuzzRequest['csrf']>(...(Array(18).fill('valid') as 'valid'[]), 'missing', 'wrong');
  return fc.record({ params, query: queryArb(spec), body, accept: ACCEPT, as: whoFor(path), csrf, headers: oddHeaders }).map((r) => ({ route: `${method} ${path}`, method, path, ...r }));
}

export { Ref };

import fc from 'fast-check';

// Hostile values for the fuzz test: what attackers and unlucky pastes send. Each generator is small
// and named so a failing case reads well.

/** A reference to an existing row, resolved when the request is sent (the rows change as the run goes). */
export class Ref {
  constructor(
    readonly table: string,
    readonly index: number,
  ) {}
}
export const ref = (table: string) => fc.nat(1000).map((i) => new Ref(table, i));

const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0085', '\u009b'];
const ODD = ['\t', '\n', '\r', '\r\n', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udfff', '😀', 'é', 'Ω', '\u202e', '<', '>', '&', '"', "'", ']]>', '${x}', '{{x}}', '%00', '%', '+'];

/** Text with control characters, lone surrogates, markup and format strings mixed in. */
export const nastyText = fc
  .array(fc.oneof(fc.constantFrom(...CONTROL), fc.constantFrom(...ODD), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

/** A string with at least one NUL or other control character in a plausible place. */
export const controlText = fc
  .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 20 }))
  .map(([a, c, b]) => `${a || 'x'}${c}${b}`);

/** Lengths around and far beyond the limits (10 000-char bodies, 100 kB request bodies). */
export const hugeText = fc.constantFrom(201, 1001, 2001, 10_001, 60_000, 120_000, 400_000).chain((n) => fc.constantFrom('x', 'é', '😀', '\u0000', ' ').map((c) => c.repeat(n)));

export const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: nastyText },
  { weight: 3, arbitrary: controlText },
  { weight: 1, arbitrary: hugeText },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '   \t\n', 'null', 'undefined', 'true', '0', '-1', 'NaN', 'Infinity', '[object Object]') },
);

/** Dates far outside 2000–2100, impossible dates, and a few that parse in JavaScript but not in PostgreSQL. */
export const hostileDate = fc.oneof(
  fc.constantFrom(
    '+275760-09-13T00:00:00.000Z',
    '+275760-09-13T00:00:00.001Z',
    '-271821-04-20T00:00:00.000Z',
    '+010000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '9999-12-31T23:59:59.999+14:00',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '1899-12-31T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T03:00:00+25:00',
    '2026-12-01T03:00',
    '2026-12-01',
    '2026-12',
    '9999-12',
    '0000-00',
    '275760-09',
    '12/01/2026',
    'Tue, 01 Dec 2026 03:00:00 GMT',
    'now',
    'tomorrow',
    '1e21',
    '',
  ),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('1990-01-01'), max: new Date('2110-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
);

export const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, -(2 ** 63), 1e21, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** JSON nested thousands of levels deep (sent as text so building it cannot blow our own stack). */
export const deepJson = fc.tuple(fc.integer({ min: 50, max: 40_000 }), fc.constantFrom('array', 'object')).map(([n, kind]) =>
  kind === 'array' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
);

export const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__', 'valueOf');

/** Any value a JSON field might receive instead of what it expects. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyText },
  { weight: 2, arbitrary: hostileDate },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, {}, [], [[]], [null], { '': '' }) },
  { weight: 1, arbitrary: fc.array(anyText, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(protoKey, fc.string({ maxLength: 6 })), anyText, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.uuid(), { maxLength: 600 }) },
);

/** Form values are strings; the hostile ones carry the same payloads as text. */
export const wrongFormValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: anyText },
  { weight: 2, arbitrary: hostileDate },
  { weight: 1, arbitrary: hostileNumber.map(String) },
  { weight: 1, arbitrary: fc.uuid() },
);

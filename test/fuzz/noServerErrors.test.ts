import { expect } from 'chai';
import fc from 'fast-check';
import { fullPathOf } from '../../server/http/fastPath.js';
import { selfSignedCert } from '../support/samlIdp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { requestArb, type FuzzRequest } from './requests.js';
import { ROUTE_SPECS } from './routeSpecs.js';
import { routesOf, type RouteInfo } from './routes.js';
import { FuzzWorld } from './world.js';

// Property: no request, however hostile, gets a 5xx; API errors follow the error contract; a
// refused request (4xx) writes nothing. Every write route of the app (found from its router stack)
// and every read route is fuzzed. Quick mode runs in `npm test`; `npm run fuzz` runs ≥ 10 000 cases.
// Replay a run with FUZZ_SEED=<seed printed in the summary> (and the same FUZZ_RUNS).

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('fuzz: no input produces a 500', function () {
  this.timeout(Math.max(120_000, RUNS * 1_000));
  let s: TestServer;
  let routes: RouteInfo[];
  before(async () => {
    // E-mail on (never delivered: the dispatcher is off in tests), so the sign-up routes are fuzzed past their 503;
    // SAML on (an IdP that never answers), so its assertion consumer service is fuzzed too.
    const idpCert = selfSignedCert('fuzz-idp').cert;
    s = await startTestServer({ env: { SMTP_URL: 'smtp://127.0.0.1:1', SAML_IDP_ENTITY_ID: 'https://idp.example', SAML_IDP_SSO_URL: 'http://127.0.0.1:1/sso', SAML_IDP_CERT: idpCert } });
    routes = routesOf(fullPathOf(s.runtime.snapshot) as never);
  });
  after(() => s.close());

  it('has a generator for every write route, and none for routes that are gone', () => {
    const writes = routes.filter((r) => WRITE.has(r.method)).map((r) => `${r.method} ${r.path}`);
    expect(writes.length).to.be.greaterThan(50);
    expect(writes.filter((w) => !ROUTE_SPECS[w]), 'write routes without a generator in test/fuzz/routeSpecs.ts').to.deep.equal([]);
    expect(Object.keys(ROUTE_SPECS).filter((k) => !writes.includes(k)), 'generators for routes that no longer exist').to.deep.equal([]);
  });

  it(`${RUNS} hostile requests: status < 500, the error contract, nothing written on a 4xx`, async () => {
    const world = new FuzzWorld(s);
    await world.seed();
    const reads = routes.filter((r) => r.method === 'GET');
    const writes = routes.filter((r) => WRITE.has(r.method));
    const arb = fc.oneof(
      { weight: 6, arbitrary: fc.oneof(...writes.map((r) => requestArb(r.method, r.path, ROUTE_SPECS[`${r.method} ${r.path}`]!))) },
      { weight: 1, arbitrary: fc.oneof(...reads.map((r) => requestArb('GET', r.path, undefined))) },
    );
    const histogram = new Map<number, number>();
    const violations: { req: FuzzRequest; status: number; violation: string }[] = [];
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(arb, async (req) => {
        const out = await world.run(req);
        histogram.set(out.status, (histogram.get(out.status) ?? 0) + 1);
        if (out.violation) violations.push({ req, status: out.status, violation: out.violation });
        const done = [...histogram.values()].reduce((a, b) => a + b, 0);
        if (RUNS >= 2_000 && done % 1_000 === 0) console.log(`      … ${done} cases, ${violations.length} violations, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const fiveHundreds = [...histogram].filter(([st]) => st >= 500 || st === 0).reduce((n, [, c]) => n + c, 0);
    const statuses = [...histogram].sort(([a], [b]) => a - b).map(([st, c]) => `${st}×${c}`).join(' ');
    console.log(`      fuzz: ${RUNS} cases over ${writes.length} write + ${reads.length} read routes in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); statuses ${statuses}; 5xx = ${fiveHundreds}; violations = ${violations.length}`);
    const byKind = new Map<string, { n: number; example: string }>();
    for (const v of violations) {
      const key = `${v.req.route} → ${v.violation.slice(0, 120)}`;
      const seen = byKind.get(key);
      if (seen) seen.n++;
      else byKind.set(key, { n: 1, example: JSON.stringify({ params: v.req.params, query: v.req.query, body: v.req.body, as: v.req.as }).slice(0, 400) });
    }
    const report = [...byKind].slice(0, 40).map(([k, { n, example }]) => `${n}× ${k}\n    e.g. ${example}`);
    expect(report, 'broken promises (route → what broke)').to.deep.equal([]);
  });
});

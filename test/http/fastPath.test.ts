import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { fastPath } from '../../server/http/fastPath.js';
import { V2_PATHS } from '../../server/http/routes/public/publicApi.js';
import { SnapshotStore } from '../../server/http/snapshot/snapshotStore.js';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Raw {
  status: number;
  headers: string[];
  body: Buffer;
}

/** node:http, so nothing decompresses or adds headers behind the test's back. */
function get(base: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const VOLATILE = new Set(['date', 'connection', 'keep-alive']);
/** Raw header lines in wire order, minus the ones that differ per response by nature. */
const lines = (r: Raw, dropId = false) => {
  const out: string[] = [];
  for (let i = 0; i < r.headers.length; i += 2) {
    const k = r.headers[i]!.toLowerCase();
    if (VOLATILE.has(k) || (dropId && k === 'x-request-id')) continue;
    out.push(`${r.headers[i]}: ${r.headers[i + 1]}`);
  }
  return out;
};
const header = (r: Raw, name: string) => {
  const i = r.headers.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name);
  return i < 0 ? undefined : r.headers[i + 1];
};

const HOT = [...V2_PATHS.map((p) => `/api/v2/${p}`), '/api/v1/announcements', '/'];
const ENCODINGS: Array<[string | undefined, string | undefined]> = [
  [undefined, undefined],
  ['gzip', 'gzip'],
  ['br', 'br'],
  ['gzip;q=0, br', 'br'],
  ['br;q=0.5, gzip;q=0.8', 'gzip'],
  ['identity', undefined],
];
const decode = (body: Buffer, enc: string | undefined) => (enc === 'gzip' ? zlib.gunzipSync(body) : enc === 'br' ? zlib.brotliDecompressSync(body) : body);

describe('fast path: precomputed hot responses, identical to the Express full path', () => {
  let s: TestServer;
  let n = 0;
  const rid = () => `fp-${process.pid}-${++n}`;
  /** The same request to both paths; asserts they are byte-for-byte the same and returns the fast one. */
  const both = async (path: string, method: string, headers: Record<string, string> = {}) => {
    const id = rid();
    const fast = await get(s.baseUrl, path, method, { ...headers, 'x-request-id': id });
    const full = await get(s.fullBaseUrl, path, method, { ...headers, 'x-request-id': `${id}-full` });
    const what = `${method} ${path} ${JSON.stringify(headers)}`;
    expect(fast.status, what).to.equal(full.status);
    // Each echoes its own id (distinct, so the log shows which requests reached Express); the rest is equal.
    expect([header(fast, 'x-request-id'), header(full, 'x-request-id')], what).to.deep.equal([id, `${id}-full`]);
    expect(lines(fast, true), what).to.deep.equal(lines(full, true));
    expect(fast.body.equals(full.body), `${what}: body`).to.equal(true);
    return { fast, full, id };
  };
  const logged = (id: string) => s.logs.text().includes(`"${id}"`);

  before(async () => {
    s = await startTestServer();
    await s.runtime.snapshot.rebuild();
  });
  after(() => s.close());

  for (const path of HOT) {
    it(`${path}: every encoding × GET/HEAD × validator answers the same on both paths`, async () => {
      const identity = (await get(s.fullBaseUrl, path)).body;
      for (const [ae, enc] of ENCODINGS) {
        const base: Record<string, string> = ae ? { 'accept-encoding': ae } : {};
        const first = await both(path, 'GET', base);
        expect(first.fast.status).to.equal(200);
        expect(logged(first.id), 'the fast path, not Express, answered').to.equal(false);
        expect(header(first.fast, 'content-encoding'), ae).to.equal(enc);
        expect(header(first.fast, 'vary')).to.equal('Accept-Encoding');
        expect(header(first.fast, 'x-content-type-options')).to.equal('nosniff');
        expect(header(first.fast, 'x-request-id')).to.equal(first.id);
        expect(Number(header(first.fast, 'content-length'))).to.equal(first.fast.body.length);
        expect(decode(first.fast.body, enc).equals(identity), `${ae}: decoded body`).to.equal(true);
        const etag = header(first.fast, 'etag')!;
        expect(etag).to.match(/^"[^"]+"$/);
        const validators: Array<[string | undefined, number]> = [[undefined, 200], [etag, 304], [`W/${etag}`, 304], [`"nope", ${etag}`, 304], ['"other"', 200]];
        for (const method of ['GET', 'HEAD']) {
          for (const [inm, status] of validators) {
            const { fast } = await both(path, method, inm ? { ...base, 'if-none-match': inm } : base);
            expect(fast.status, `${method} ${ae} ${inm}`).to.equal(status);
            if (method === 'HEAD' || status === 304) expect(fast.body.length).to.equal(0);
          }
        }
      }
    });
  }

  it('each coding has its own strong ETag, so a 304 never hands out the wrong representation', async () => {
    const tags = await Promise.all(['identity', 'gzip', 'br'].map(async (ae) => header(await get(s.baseUrl, '/api/v2/summary.json', 'GET', { 'accept-encoding': ae }), 'etag')));
    expect(new Set(tags).size).to.equal(3);
    const r = await both('/api/v2/summary.json', 'GET', { 'accept-encoding': 'br', 'if-none-match': tags[1]! });
    expect(r.fast.status).to.equal(200);
  });

  it('generates an X-Request-Id when none (or a malformed one) is sent', async () => {
    for (const given of [undefined, 'bad id with spaces']) {
      const r = await get(s.baseUrl, '/api/v2/status.json', 'GET', given ? { 'x-request-id': given } : {});
      expect(header(r, 'x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      expect(lines(r, true)).to.deep.equal(lines(await get(s.fullBaseUrl, '/api/v2/status.json'), true));
    }
  });

  it('answers the CORS preflight identically; OPTIONS on / falls through', async () => {
    for (const path of HOT) {
      const { fast, id } = await both(path, 'OPTIONS', { origin: 'https://app.example', 'access-control-request-method': 'GET' });
      if (path === '/') expect(logged(id), 'OPTIONS / went to Express').to.equal(true);
      else {
        expect(fast.status).to.equal(204);
        expect(header(fast, 'access-control-allow-origin')).to.equal('*');
        expect(logged(id)).to.equal(false);
      }
    }
  });

  it('falls through to Express for a query string, other paths and other methods', async () => {
    for (const [path, method] of [['/api/v2/summary.json?x=1', 'GET'], ['/?utm=a', 'GET'], ['/api/v2/nope.json', 'GET'], ['/history.rss', 'GET'], ['/api/v2/status.json', 'POST']] as const) {
      const { fast, id } = await both(path, method, { 'accept-encoding': 'gzip' });
      expect(logged(id), `${method} ${path} went to Express`).to.equal(true);
      if (path.includes('?')) expect(fast.status).to.equal(200);
    }
  });

  it('falls through while no snapshot has been built', async () => {
    const store = new SnapshotStore(s.deps.database, s.deps.config, s.clock, s.deps.logger);
    const server = http.createServer(fastPath(store, (_req, res) => res.writeHead(418).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      expect((await get(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, '/api/v2/summary.json')).status).to.equal(418);
    } finally {
      store.stop();
      server.close();
    }
  });

  it('serves the new bodies on both paths after a change and a rebuild', async () => {
    const before = await both('/api/v2/status.json', 'GET');
    const page = await both('/', 'GET', { 'accept-encoding': 'br' });
    const api = new Client(s.baseUrl, (await staff('regular')).token);
    expect((await api.post('/api/v1/incidents', { title: 'Fast path outage', severity: 1, message: 'Looking' })).status).to.equal(201);
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    const after = await both('/api/v2/status.json', 'GET', { 'if-none-match': header(before.fast, 'etag')! });
    expect(after.fast.status).to.equal(200);
    expect(JSON.parse(after.fast.body.toString()).status.indicator).to.equal('critical');
    const page2 = await both('/', 'GET', { 'accept-encoding': 'br', 'if-none-match': header(page.fast, 'etag')! });
    expect(page2.fast.status).to.equal(200);
    expect(zlib.brotliDecompressSync(page2.fast.body).toString()).to.include('Fast path outage');
  });
});

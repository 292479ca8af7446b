import http from 'node:http';
import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** node:http so the raw header lines (and their order) are what the server wrote. */
function get(base: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; raw: string[]; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
const securityLines = (raw: string[]) => {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (/^(content-security-policy|strict-transport-security|x-frame-options|x-content-type-options)$/i.test(raw[i]!)) out.push(`${raw[i]}: ${raw[i + 1]}`);
  return out;
};

const PUBLIC_PATHS = ['/', '/history', '/api/v2/summary.json', '/api/v1/announcements', '/history.rss', '/embed/banner.js', '/nope'];

describe('security headers: CSP on public pages too, HSTS behind https', () => {
  let s: TestServer;
  afterEach(() => s.close());

  it('console cookies (the pre-session CSRF cookie, the session) are Secure exactly when PUBLIC_URL is https', async () => {
    for (const [publicUrl, secure] of [['http://127.0.0.1:3000', false], ['https://status.example.com', true]] as const) {
      s = await startTestServer({ env: { PUBLIC_URL: publicUrl } });
      const pre = (await fetch(`${s.baseUrl}/console/login`, { headers: { accept: 'text/html' } })).headers.getSetCookie();
      expect(pre.length, publicUrl).to.be.greaterThan(0);
      for (const c of pre) expect(/; Secure/.test(c), `${publicUrl}: ${c}`).to.equal(secure);
      const who = await staff('regular');
      const c = new Client(s.baseUrl);
      const signedIn = await c.form('/console/login', { email: who.email, password: PASSWORD });
      const session = signedIn.headers.getSetCookie().find((x) => x.startsWith('beacon_session='));
      expect(session, publicUrl).to.be.a('string');
      expect(/; Secure/.test(session!), `${publicUrl}: ${session}`).to.equal(secure);
      if (!secure) await s.close(); // the https one is closed by afterEach
    }
  });

  it('public pages carry a Content-Security-Policy that allows only their own scripts and socket.io; no HSTS over http', async () => {
    s = await startTestServer();
    await s.runtime.snapshot.rebuild();
    for (const path of PUBLIC_PATHS) {
      for (const base of [s.baseUrl, s.fullBaseUrl]) {
        const res = await get(base, path);
        const csp = String(res.headers['content-security-policy'] ?? '');
        expect(csp, `${base}${path}`).to.include("script-src 'self'");
        expect(csp).to.include("default-src 'self'");
        expect(csp).to.match(/connect-src 'self' ws: wss:/);
        expect(csp).to.not.include('unsafe-inline');
        expect(res.headers['strict-transport-security'], path).to.equal(undefined);
      }
    }
    const console = await get(s.baseUrl, '/console/login');
    expect(console.headers['content-security-policy']).to.include("frame-ancestors 'none'");
  });

  it('with an https PUBLIC_URL every answer carries HSTS — the fast path byte-for-byte like Express', async () => {
    s = await startTestServer({ env: { PUBLIC_URL: 'https://status.example.com' } });
    await s.runtime.snapshot.rebuild();
    for (const path of [...PUBLIC_PATHS, '/console/login']) {
      const res = await get(s.baseUrl, path);
      expect(res.headers['strict-transport-security'], path).to.equal('max-age=31536000');
      expect(res.headers['content-security-policy'], path).to.be.a('string');
    }
    for (const [path, method] of [['/', 'GET'], ['/api/v2/status.json', 'GET'], ['/api/v2/status.json', 'OPTIONS']] as const) {
      const fast = await get(s.baseUrl, path, method, { origin: 'https://app.example' });
      const full = await get(s.fullBaseUrl, path, method, { origin: 'https://app.example' });
      expect(securityLines(fast.raw), `${method} ${path}`).to.deep.equal(securityLines(full.raw));
      expect(securityLines(fast.raw).some((l) => l.startsWith('Strict-Transport-Security'))).to.equal(true);
    }
  });
});

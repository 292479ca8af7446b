import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the token endpoint does to the ID token it hands out. */
export type IdTokenFault = 'none' | 'wrong_audience' | 'expired' | 'unsigned' | 'forged_signature' | 'wrong_nonce';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A tiny OpenID Provider speaking the real protocol on loopback (discovery, JWKS, authorize, token)
 * that issues ID tokens with one chosen fault, which a conforming provider never would. Its
 * authorize step signs in at once as `claims` say.
 */
export class FakeOpenIdProvider {
  fault: IdTokenFault = 'none';
  claims: Record<string, unknown> = { sub: 'fake-1', email: 'someone@example.com', email_verified: true };
  private readonly key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly codes = new Map<string, { nonce: string; challenge: string; redirectUri: string }>();

  private constructor(
    readonly issuer: string,
    private readonly server: http.Server,
  ) {}

  static async start(clientId: string): Promise<FakeOpenIdProvider> {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const op = new FakeOpenIdProvider(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
    server.on('request', (req, res) => op.handle(clientId, req, res));
    return op;
  }

  private handle(clientId: string, req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url!, this.issuer);
    const json = (body: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json({ keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' }] });
    if (url.pathname === '/authorize') {
      const code = crypto.randomBytes(16).toString('hex');
      const q = url.searchParams;
      this.codes.set(code, { nonce: q.get('nonce') ?? '', challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri')! });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return res.writeHead(303, { location: back.href }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        const verifier = crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (!grant || grant.challenge !== verifier || grant.redirectUri !== form.get('redirect_uri')) return json({ error: 'invalid_grant' }, 400);
        json({ access_token: crypto.randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: this.idToken(clientId, grant.nonce) });
      });
      return;
    }
    res.writeHead(404).end();
  }

  private idToken(clientId: string, nonce: string): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: this.issuer, aud: clientId, iat: now, exp: now + 300, nonce, ...this.claims };
    if (this.fault === 'wrong_audience') claims.aud = 'some-other-client';
    if (this.fault === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (this.fault === 'wrong_nonce') claims.nonce = 'not-the-nonce-beacon-sent';
    if (this.fault === 'unsigned') return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const input = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(claims)}`;
    const key = this.fault === 'forged_signature' ? this.otherKey.privateKey : this.key.privateKey;
    return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  email: string;
  email_verified: boolean;
  name?: string;
}

export const OIDC_CLIENT = { id: 'beacon-test', secret: 'beacon-test-secret-0123456789' };

/**
 * A real OpenID Provider (oidc-provider) on loopback with one confidential client (client_secret_basic,
 * PKCE required). Its login step is the test's: whoever `nextLogin` names is signed in when the
 * browser reaches the interaction page, and consent is implied (a first-party client).
 */
export class TestOpenIdProvider {
  readonly accounts = new Map<string, TestAccount>();
  nextLogin = '';

  private constructor(
    readonly issuer: string,
    private readonly server: http.Server,
  ) {}

  static async start(redirectUris: string[]): Promise<TestOpenIdProvider> {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const op = new TestOpenIdProvider(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
    const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const provider = new Provider(op.issuer, {
      clients: [{ client_id: OIDC_CLIENT.id, client_secret: OIDC_CLIENT.secret, redirect_uris: redirectUris, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], response_types: ['code'] }],
      jwks: { keys: [{ ...key, kid: 'test-key', use: 'sig', alg: 'RS256' }] as never },
      cookies: { keys: ['test-op-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 300, IdToken: 300, AuthorizationCode: 60 },
      features: { devInteractions: { enabled: false } },
      findAccount: (_ctx, id) => {
        const account = op.accounts.get(id);
        return account ? { accountId: id, claims: () => ({ sub: id, ...account }) } : undefined;
      },
      // Consent is implied for this first-party client: the grant covers what it asked for.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    });
    const handle = provider.callback();
    server.on('request', async (req, res) => {
      // The login "page": signs in the account the test chose.
      if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
        await provider.interactionFinished(req, res, { login: { accountId: op.nextLogin } }, { mergeWithLastSubmission: false });
        return;
      }
      handle(req, res);
    });
    return op;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

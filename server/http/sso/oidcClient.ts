import * as oidc from 'openid-client';
import { isLoopbackUrl, type Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { unavailable } from '../../domain/errors.js';
import type { ResponseRefusal } from '../../domain/sso/refuseIdentityResponse.js';
import type { ExternalIdentity } from '../../domain/sso/signInWithIdentityProvider.js';
import { CALLBACK_PATH, type OidcPending } from './oidcState.js';

/** An answer from the provider that is not accepted, with the reason the audit log records. */
export class OidcRefusal extends Error {
  constructor(
    readonly reason: ResponseRefusal,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

const SCOPE = 'openid email profile';

/**
 * Beacon as an OpenID Connect relying party (openid-client): authorization code flow with PKCE,
 * state and nonce. The provider's metadata is discovered on first use and kept; a failed discovery
 * is retried at the next press of the button, so a provider that is down never stops Beacon starting.
 * Token timestamps are checked against the real clock, the one the provider signs with.
 */
export class OidcClient {
  private discovered: Promise<oidc.Configuration> | null = null;
  readonly redirectUri: string;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;
  }

  private configuration(): Promise<oidc.Configuration> {
    const { OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: secret } = this.config;
    // Plain http only for an issuer on this machine (config.ts refuses it elsewhere). ID tokens are
    // also signature-checked against the provider's keys, not trusted on the strength of TLS alone.
    const execute = [oidc.enableNonRepudiationChecks, ...(isLoopbackUrl(issuer!) ? [oidc.allowInsecureRequests] : [])];
    this.discovered ??= oidc.discovery(new URL(issuer!), clientId!, { client_secret: secret }, oidc.ClientSecretBasic(secret), { execute, timeout: 10 }).catch((err: unknown) => {
      this.discovered = null;
      this.logger.warn({ err, issuer }, 'OpenID Connect discovery failed');
      throw unavailable('sso_unavailable', 'Single sign-on is not available right now: the identity provider cannot be reached. Try again in a moment.');
    });
    return this.discovered;
  }

  /** Where to send the browser, and the one-time values its callback must match. */
  async start(next: string): Promise<{ url: URL; pending: OidcPending }> {
    const configuration = await this.configuration();
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), next };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: SCOPE,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** Checks the provider's answer at `currentUrl`, redeems the code and returns who it names; throws OidcRefusal. */
  async finish(currentUrl: URL, pending: OidcPending): Promise<ExternalIdentity> {
    const params = currentUrl.searchParams;
    if (params.get('state') !== pending.state) throw new OidcRefusal('state_invalid', 'state does not match');
    if (!params.get('code') && !params.get('error')) throw new OidcRefusal('response_malformed', 'no code');
    let configuration: oidc.Configuration;
    try {
      configuration = await this.configuration();
    } catch {
      throw new OidcRefusal('idp_unreachable');
    }
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // Some providers (and OpenID Providers by default for the code flow) put e-mail claims only in UserInfo.
      const claims = typeof idToken.email === 'string' && idToken.email_verified !== undefined ? idToken : { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), ...idToken };
      if (typeof claims.email !== 'string') throw new OidcRefusal('response_malformed', 'no email claim');
      return {
        provider: 'oidc',
        subject: `${idToken.iss}|${idToken.sub}`,
        email: claims.email,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : undefined,
      };
    } catch (err) {
      throw classify(err);
    }
  }
}

function classify(err: unknown): unknown {
  if (err instanceof OidcRefusal) return err;
  if (err instanceof oidc.AuthorizationResponseError) return new OidcRefusal('idp_declined', err.error);
  if (err instanceof oidc.ResponseBodyError) return new OidcRefusal(err.error === 'invalid_grant' ? 'code_rejected' : 'idp_declined', err.error);
  if (err instanceof oidc.ClientError) return new OidcRefusal('token_invalid', `${err.message}: ${(err.cause as Error | undefined)?.message ?? ''}`);
  // fetch() failing outright (refused, reset, timed out): the provider is down, not the answer bad.
  if (err instanceof Error && (err.message === 'fetch failed' || err.name === 'TimeoutError' || err.name === 'AbortError')) return new OidcRefusal('idp_unreachable', err.message);
  return err;
}

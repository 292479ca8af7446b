import { expect } from 'chai';
import { ConfigError, loadConfig } from '../server/config.js';
import { selfSignedCert } from './support/samlIdp.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).to.equal(3000);
    expect(c.HOST).to.equal('127.0.0.1');
    expect(c.DATA_DIR).to.equal('./data');
    expect(c.DATABASE_URL).to.equal(undefined);
    expect(c.publicUrl).to.equal('http://127.0.0.1:3000');
    expect(c.WEBHOOK_ALLOW_PRIVATE).to.equal(false);
    expect(c.SIGN_IN_ATTEMPTS_PER_MINUTE).to.equal(20);
    expect(c.CONFIRMATION_MAILS_PER_MINUTE).to.equal(100);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).WEBHOOK_ALLOW_PRIVATE).to.equal(true);
    expect(c.BACKUP_PASSPHRASE).to.equal(undefined); // no passphrase, no backups
    expect(c.BACKUP_SCHEDULE).to.equal('0 * * * *');
    expect(c.backupDir).to.equal('./data/backups');
    expect(loadConfig({ DATA_DIR: '/var/lib/beacon/', BACKUP_DIR: '' }).backupDir).to.equal('/var/lib/beacon/backups');
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ PUBLIC_URL: 'status.example.com' }, 'PUBLIC_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'not-an-email', BOOTSTRAP_ADMIN_PASSWORD: 'longenough' }, 'BOOTSTRAP_ADMIN_EMAIL'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@example.com' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'WEBHOOK_ALLOW_PRIVATE'],
    [{ SIGN_IN_ATTEMPTS_PER_MINUTE: '0' }, 'SIGN_IN_ATTEMPTS_PER_MINUTE'],
    [{ CONFIRMATION_MAILS_PER_MINUTE: 'lots' }, 'CONFIRMATION_MAILS_PER_MINUTE'],
    [{ BACKUP_SCHEDULE: 'hourly' }, 'BACKUP_SCHEDULE'],
    [{ BACKUP_SCHEDULE: '0 25 * * *' }, 'BACKUP_SCHEDULE'],
    [{ BACKUP_PASSPHRASE: 'short' }, 'BACKUP_PASSPHRASE'],
    [{ OIDC_ISSUER_URL: 'https://accounts.google.com' }, 'OIDC_CLIENT_ID'],
    [{ OIDC_ISSUER_URL: 'http://idp.example.com', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }, 'OIDC_ISSUER_URL'],
    [{ OIDC_CREATE_ACCOUNTS: 'sometimes' }, 'OIDC_CREATE_ACCOUNTS'],
  ];
  for (const [env, name] of bad) {
    it(`stops with a message naming ${name} for ${JSON.stringify(env)}`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, name);
    });
  }

  it('OpenID Connect: lists read lower-case, label and just-in-time accounts default; plain http only on loopback', () => {
    const c = loadConfig({ OIDC_ISSUER_URL: 'https://accounts.google.com', OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 'secret', OIDC_ALLOWED_DOMAINS: ' Example.com, ,corp.example ', SSO_BREAK_GLASS_EMAILS: 'Root@Example.com' });
    expect(c.OIDC_ALLOWED_DOMAINS).to.deep.equal(['example.com', 'corp.example']);
    expect(c.SSO_BREAK_GLASS_EMAILS).to.deep.equal(['root@example.com']);
    expect(c.OIDC_LABEL).to.equal('Sign in with single sign-on');
    expect(c.OIDC_CREATE_ACCOUNTS).to.equal(false);
    expect(loadConfig({}).OIDC_ALLOWED_DOMAINS).to.deep.equal([]);
    expect(loadConfig({ OIDC_ISSUER_URL: 'http://localhost:8080/realms/staff', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }).OIDC_ISSUER_URL).to.equal('http://localhost:8080/realms/staff');
  });

  it('never echoes secret values in its message', () => {
    try {
      loadConfig({ SESSION_SECRET: 'tiny-secret' });
      expect.fail('should throw');
    } catch (e) {
      expect((e as Error).message).not.to.include('tiny-secret');
    }
  });

  describe('SAML single sign-on', () => {
    const keys = selfSignedCert('config-test');
    const manual = { SAML_IDP_ENTITY_ID: 'https://idp.example.com', SAML_IDP_SSO_URL: 'https://idp.example.com/sso', SAML_IDP_CERT: keys.cert };

    it('is off unless an IdP is named; named by metadata URL or by entity id + SSO URL + certificate', () => {
      expect(loadConfig({}).saml).to.equal(null);
      const byMetadata = loadConfig({ SAML_IDP_METADATA_URL: 'https://idp.example.com/metadata' }).saml!;
      expect(byMetadata).to.deep.include({ idp: { metadataUrl: 'https://idp.example.com/metadata' }, label: 'Sign in with SAML', allowedDomains: [], createAccounts: false, emailAttribute: null, spSigning: null });
      // One-line .env files write the PEM's newlines as \n.
      const byHand = loadConfig({ ...manual, SAML_IDP_CERT: keys.cert.trim().replace(/\n/g, '\\n'), SAML_ALLOWED_DOMAINS: ' Example.com, example.org ', SAML_CREATE_ACCOUNTS: 'true' }).saml!;
      expect(byHand.idp).to.deep.equal({ entityId: 'https://idp.example.com', ssoUrl: 'https://idp.example.com/sso', certs: [keys.cert.trim()] });
      expect(byHand.allowedDomains).to.deep.equal(['example.com', 'example.org']);
      expect(byHand.createAccounts).to.equal(true);
    });

    const badSaml: Array<[Record<string, string>, string]> = [
      [{ SAML_IDP_ENTITY_ID: 'https://idp.example.com' }, 'SAML_IDP_SSO_URL, SAML_IDP_CERT'],
      [{ ...manual, SAML_IDP_METADATA_URL: 'https://idp.example.com/metadata' }, 'set one'],
      [{ ...manual, SAML_IDP_CERT: 'not a certificate' }, 'SAML_IDP_CERT'],
      [{ SAML_IDP_METADATA_URL: 'idp.example.com/metadata' }, 'SAML_IDP_METADATA_URL'],
      [{ ...manual, SAML_ALLOWED_DOMAINS: 'example.com, not a domain' }, 'SAML_ALLOWED_DOMAINS'],
      [{ ...manual, SAML_SP_PRIVATE_KEY: keys.privateKey }, 'SAML_SP_CERT'],
    ];
    for (const [env, expected] of badSaml) {
      it(`stops with a message naming ${expected} for ${Object.keys(env).join(', ')}`, () => {
        expect(() => loadConfig(env)).to.throw(ConfigError, expected);
      });
    }
  });
});

import { expect } from 'chai';
import { ConfigError, loadConfig } from '../server/config.js';

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
});

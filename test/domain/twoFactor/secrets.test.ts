import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open, seal } from '../../../server/domain/secretBox.js';
import { matchTotp, newTotpSecret, stepOf, totpCode } from '../../../server/domain/twoFactor/totp.js';
import { deriveKey, loadSecretsKey } from '../../../server/secretsKey.js';

describe('secrets at rest and TOTP rules', () => {
  const key = deriveKey('x'.repeat(32), 'test');

  it('seals with AES-256-GCM: round trip, bound to its row, tamper-evident, fresh IV each time', () => {
    const sealed = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:a');
    expect(sealed).not.to.include('JBSWY3DPEHPK3PXP');
    expect(open(key, sealed, 'totp:a')).to.equal('JBSWY3DPEHPK3PXP');
    expect(seal(key, 'JBSWY3DPEHPK3PXP', 'totp:a')).not.to.equal(sealed);
    expect(() => open(key, sealed, 'totp:b')).to.throw();
    expect(() => open(deriveKey('y'.repeat(32), 'test'), sealed, 'totp:a')).to.throw();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => open(key, parts.join('.'), 'totp:a')).to.throw();
  });

  it('the key: SECRETS_KEY, else a key file in DATA_DIR (embedded), else derived from the session secret (flagged when that lives in the database)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-key-'));
    const session = 's'.repeat(32);
    try {
      const a = loadSecretsKey({ DATA_DIR: dir }, session);
      const file = path.join(dir, 'secrets.key');
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(a.insideDatabase).to.equal(false);
      expect(a.key).to.have.length(32);
      expect(loadSecretsKey({ DATA_DIR: dir }, session).key.equals(a.key)).to.equal(true);
      expect(a.key.equals(deriveKey(session, 'secrets-key-from-session-secret'))).to.equal(false);
      const configured = loadSecretsKey({ DATA_DIR: dir, SECRETS_KEY: 'k'.repeat(32) }, session);
      expect(configured.key.equals(a.key)).to.equal(false);
      const pg = { DATA_DIR: '/nonexistent', DATABASE_URL: 'postgres://x' };
      expect(loadSecretsKey({ ...pg, SECRETS_KEY: 'k'.repeat(32) }, session).key.equals(configured.key)).to.equal(true);
      const fromSession = loadSecretsKey({ ...pg, SESSION_SECRET: session }, session);
      expect(fromSession).to.deep.include({ insideDatabase: false });
      expect(fromSession.key.equals(configured.key)).to.equal(false);
      const generated = loadSecretsKey(pg, 'generated-and-stored-in-the-database-000');
      expect(generated.insideDatabase).to.equal(true);
      expect(fs.existsSync('/nonexistent')).to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches a code within ±1 step, never a used step or an older one', () => {
    const secret = newTotpSecret();
    const now = new Date('2026-11-29T12:00:10Z');
    const at = (deltaSteps: number) => new Date(now.getTime() + deltaSteps * 30_000);
    expect(matchTotp(secret, totpCode(secret, now), now, null)).to.equal(stepOf(now));
    expect(matchTotp(secret, totpCode(secret, at(-1)), now, null)).to.equal(stepOf(now) - 1);
    expect(matchTotp(secret, totpCode(secret, at(1)), now, null)).to.equal(stepOf(now) + 1);
    expect(matchTotp(secret, totpCode(secret, at(-2)), now, null)).to.equal(null);
    expect(matchTotp(secret, totpCode(secret, at(2)), now, null)).to.equal(null);
    expect(matchTotp(secret, totpCode(secret, now), now, stepOf(now))).to.equal(null);
    expect(matchTotp(secret, totpCode(secret, at(-1)), now, stepOf(now))).to.equal(null);
    expect(matchTotp(secret, 'abcdef', now, null)).to.equal(null);
    expect(matchTotp(secret, '1234567', now, null)).to.equal(null);
  });
});

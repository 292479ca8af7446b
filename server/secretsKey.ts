import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_FILE = 'secrets.key';

/**
 * The key that encrypts secrets at rest (TOTP seeds), kept outside the database when it can be:
 * SECRETS_KEY when set; else, embedded, a random key generated once into DATA_DIR/secrets.key;
 * else (PostgreSQL) derived from the session secret. When that secret was not configured either it
 * lives in the database itself, so `insideDatabase` is true and start-up warns to set SECRETS_KEY.
 */
export function loadSecretsKey(
  c: { SECRETS_KEY?: string; DATABASE_URL?: string; DATA_DIR: string; SESSION_SECRET?: string },
  sessionSecret: string,
): { key: Buffer; insideDatabase: boolean } {
  if (c.SECRETS_KEY) return { key: deriveKey(c.SECRETS_KEY, 'secrets-key'), insideDatabase: false };
  if (!c.DATABASE_URL) {
    const file = path.join(c.DATA_DIR, KEY_FILE);
    fs.mkdirSync(c.DATA_DIR, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    return { key: deriveKey(fs.readFileSync(file, 'utf8').trim(), 'secrets-key'), insideDatabase: false };
  }
  return { key: deriveKey(sessionSecret, 'secrets-key-from-session-secret'), insideDatabase: !c.SESSION_SECRET };
}

/** Any configured string (≥ 32 characters) becomes a 32-byte AES key with HKDF-SHA256. */
export function deriveKey(material: string, label: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(material), Buffer.alloc(0), Buffer.from(`beacon:${label}`), 32));
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_FILE = 'secrets.key';

/**
 * The key that encrypts secrets at rest (TOTP seeds), never kept in the database:
 * SECRETS_KEY when set; else, embedded, a random key generated once into DATA_DIR/secrets.key;
 * else (PostgreSQL without SECRETS_KEY) derived from SESSION_SECRET. Without either on PostgreSQL
 * the session secret itself lives in the database, so the key would too: that is refused.
 */
export function loadSecretsKey(c: { SECRETS_KEY?: string; DATABASE_URL?: string; DATA_DIR: string; SESSION_SECRET?: string }): Buffer {
  if (c.SECRETS_KEY) return deriveKey(c.SECRETS_KEY, 'secrets-key');
  if (!c.DATABASE_URL) {
    const file = path.join(c.DATA_DIR, KEY_FILE);
    fs.mkdirSync(c.DATA_DIR, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    return deriveKey(fs.readFileSync(file, 'utf8').trim(), 'secrets-key');
  }
  if (c.SESSION_SECRET) return deriveKey(c.SESSION_SECRET, 'secrets-key-from-session-secret');
  throw new Error('With DATABASE_URL, set SECRETS_KEY (or SESSION_SECRET) so encrypted secrets have a key kept outside the database');
}

/** Any configured string (≥ 32 characters) becomes a 32-byte AES key with HKDF-SHA256. */
export function deriveKey(material: string, label: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(material), Buffer.alloc(0), Buffer.from(`beacon:${label}`), 32));
}

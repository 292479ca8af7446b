import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: crypto.ScryptOptions,
) => Promise<Buffer>;

// scrypt from node:crypto (OpenSSL): memory-hard, no native add-on to build. N=2^15, r=8, p=1.
const PARAMS = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) {
    // Spend the same time as a real check so timing does not reveal unknown accounts.
    await scrypt(password, DUMMY_SALT, KEYLEN, PARAMS);
    return false;
  }
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return crypto.timingSafeEqual(actual, expected);
}

const DUMMY_SALT = crypto.randomBytes(16);

/** Random bearer secret with a readable prefix: `bcn_` + 32 bytes. */
export function newToken(prefix = 'bcn_'): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so a plain SHA-256 is the right stored form (lookup by hash). */
export function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

export const MIN_PASSWORD_LENGTH = 8;

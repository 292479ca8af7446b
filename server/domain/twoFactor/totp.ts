import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

// RFC 6238 with the authenticator-app defaults: SHA-1, 6 digits, 30 s steps; ±1 step of clock skew.
const PERIOD = 30;
export const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = 'beacon', issuer = 'Beacon') {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totpOf(secret, account, issuer).toString();
}

/** The code for an instant (tests and the manual check only). */
export function totpCode(secret: string, at: Date): string {
  return totpOf(secret).generate({ timestamp: at.getTime() });
}

export const stepOf = (at: Date) => Math.floor(at.getTime() / 1000 / PERIOD);

/**
 * The time step a code belongs to, or null when it matches none within ±1 step — or only a step
 * already used (a code cannot be replayed, nor an older one used after a newer).
 */
export function matchTotp(secret: string, code: string, at: Date, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: at.getTime(), window: WINDOW });
  if (delta === null) return null;
  const step = stepOf(at) + delta;
  return lastUsedStep !== null && step <= lastUsedStep ? null : step;
}

/** Ten recovery codes, 80 random bits each, written as xxxx-xxxx-xxxx-xxxx (base32, no look-alikes). */
export function newRecoveryCodes(n = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: n }, () => {
    const chars = Array.from(crypto.randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Recovery codes are compared in a canonical form: lower case, no dashes or spaces. */
export const canonicalRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

// What the browser's script posts (public/js/passkeys.js): the credential as JSON, binary parts in
// base64url. Anything else is malformed — refused before it reaches a challenge or a key.
const b64u = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/);
const common = {
  id: b64u(1400),
  rawId: b64u(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};
const registration = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64u(4000),
    attestationObject: b64u(16000),
    transports: z.array(z.string().max(20)).max(10).optional(),
  }),
});
const authentication = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64u(4000),
    authenticatorData: b64u(4000),
    signature: b64u(1000),
    userHandle: b64u(200).optional(),
  }),
});
const clientData = z.object({ challenge: b64u(200) });

function parsed<T extends z.ZodType<{ response: { clientDataJSON: string } }>>(schema: T, raw: string): z.infer<T> | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const result = schema.safeParse(json);
  if (!result.success) return null;
  // The challenge the authenticator signed must be readable, or there is nothing to check against.
  try {
    const data = clientData.safeParse(JSON.parse(Buffer.from(result.data.response.clientDataJSON, 'base64url').toString('utf8')));
    return data.success ? result.data : null;
  } catch {
    return null;
  }
}

export const parseRegistration = (raw: string): RegistrationResponseJSON | null => parsed(registration, raw) as RegistrationResponseJSON | null;
export const parseAuthentication = (raw: string): AuthenticationResponseJSON | null => parsed(authentication, raw) as AuthenticationResponseJSON | null;

/** The challenge inside a parsed response's client data (present: parsing checked it). */
export const challengeOf = (response: { response: { clientDataJSON: string } }): string =>
  (JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge: string }).challenge;

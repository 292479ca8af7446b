/**
 * Who the passkeys belong to, from PUBLIC_URL: the RP ID is its host name (so it must be a domain,
 * e.g. `localhost`, not an IP address) and only its origin may ask for a signature.
 */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export function relyingParty(publicUrl: string, name: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, name, origin: url.origin };
}

/** The WebAuthn user handle: the account id's bytes (opaque, no e-mail or name). */
export const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(userId, 'utf8'));

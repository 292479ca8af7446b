import crypto from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64u = (b: Buffer | Uint8Array | string) => Buffer.from(b).toString('base64url');
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest();
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const UP = 0x01; // user present
const UV = 0x04; // user verified
const AT = 0x40; // attested credential data follows

interface Held {
  privateKey: crypto.KeyObject;
  counter: number;
  userHandle: string;
}

/** What a test may bend to make a response wrong in one way. */
export interface Twist {
  origin?: string;
  rpId?: string;
  challenge?: string;
  counter?: number;
  userVerified?: boolean;
  credentialId?: string;
}

/**
 * A software WebAuthn authenticator for tests (no browser): ES256 keys from node:crypto, attestation
 * "none", resident credentials. It answers the options the server hands out, the way a browser and
 * a platform authenticator would together.
 */
export class SoftAuthenticator {
  readonly credentials = new Map<string, Held>();
  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {}

  create(options: PublicKeyCredentialCreationOptionsJSON, twist: Twist = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const id = crypto.randomBytes(16);
    const authData = Buffer.concat([
      sha256(twist.rpId ?? this.rpId),
      Buffer.from([UP | UV | AT]),
      u32(0),
      Buffer.alloc(16), // AAGUID: none
      Buffer.from([0, id.length]),
      id,
      Buffer.from(isoCBOR.encode(cose)),
    ]);
    const attestationObject = isoCBOR.encode(new Map<string, string | Uint8Array | Map<string, string>>([['fmt', 'none'], ['attStmt', new Map<string, string>()], ['authData', authData]]));
    this.credentials.set(b64u(id), { privateKey, counter: 0, userHandle: options.user.id });
    const clientData = { type: 'webauthn.create', challenge: twist.challenge ?? options.challenge, origin: twist.origin ?? this.origin, crossOrigin: false };
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: b64u(JSON.stringify(clientData)), attestationObject: b64u(attestationObject), transports: ['internal'] },
    };
  }

  /** Signs the options' challenge with the first credential allowed (or the one named in the twist). */
  get(options: PublicKeyCredentialRequestOptionsJSON, twist: Twist = {}): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const id = twist.credentialId ?? [...this.credentials.keys()].find((k) => !allowed.length || allowed.includes(k));
    const held = id ? this.credentials.get(id) : undefined;
    if (!id || !held) throw new Error('the soft authenticator holds no credential for these options');
    held.counter = twist.counter ?? held.counter + 1;
    const authData = Buffer.concat([sha256(twist.rpId ?? this.rpId), Buffer.from([UP | (twist.userVerified === false ? 0 : UV)]), u32(held.counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: twist.challenge ?? options.challenge, origin: twist.origin ?? this.origin, crossOrigin: false }));
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), held.privateKey);
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature), userHandle: held.userHandle },
    };
  }
}

// Loaded on first use: openpgp is a large module that only backups and restores need.
const pgp = () => import('openpgp');

/** OpenPGP symmetric encryption with AES-256 (RFC 4880 SEIPD with MDC), which `gpg --decrypt` opens. */
export async function encrypt(data: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const openpgp = await pgp();
  const message = await openpgp.createMessage({ binary: data, format: 'binary' });
  return openpgp.encrypt({
    message,
    passwords: [passphrase],
    format: 'binary',
    config: {
      preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256,
      preferredCompressionAlgorithm: openpgp.enums.compression.zlib,
    },
  });
}

export class DecryptError extends Error {}

/** Decrypts; a wrong passphrase, a truncated or altered file all end in DecryptError. */
export async function decrypt(data: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const openpgp = await pgp();
  try {
    const message = await openpgp.readMessage({ binaryMessage: data });
    const { data: plain } = await openpgp.decrypt({ message, passwords: [passphrase], format: 'binary', expectSigned: false });
    return plain as Uint8Array;
  } catch (e) {
    throw new DecryptError(decryptFailure((e as Error).message ?? String(e)));
  }
}

/**
 * What a failed decryption tells the operator, from openpgp's message. A wrong passphrase usually
 * fails on the session key, but the session key's packet has no checksum of its own: about once in
 * 150 tries (measured: 2 of 300) a wrong passphrase yields a key that looks valid, and the failure
 * comes from the integrity check instead, exactly as for an altered file. So that message names both.
 */
function decryptFailure(why: string): string {
  if (/does not conform|Unknown ASCII armor|Misformed armored/i.test(why)) return `This file is not an encrypted Beacon backup (not an OpenPGP message).`;
  if (/passphrase|session key|decrypt/i.test(why) && !/integrity|modification|tag|mdc/i.test(why)) {
    return `Could not decrypt the backup: wrong BACKUP_PASSPHRASE, or the file is damaged (${why}).`;
  }
  return `Could not read the backup: the file is truncated or has been altered — or, rarely, a wrong BACKUP_PASSPHRASE (${why}).`;
}

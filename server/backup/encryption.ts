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
    const why = (e as Error).message ?? String(e);
    if (/does not conform|Unknown ASCII armor|Misformed armored/i.test(why)) throw new DecryptError(`This file is not an encrypted Beacon backup (not an OpenPGP message).`);
    if (/passphrase|session key|decrypt/i.test(why) && !/integrity|modification|tag|mdc/i.test(why)) {
      throw new DecryptError(`Could not decrypt the backup: wrong BACKUP_PASSPHRASE, or the file is damaged (${why}).`);
    }
    throw new DecryptError(`Could not read the backup: the file is truncated or has been altered (${why}).`);
  }
}

import { expect } from 'chai';
import * as openpgp from 'openpgp';
import { decrypt, DecryptError } from '../../server/backup/encryption.js';

/**
 * A wrong passphrase must be named as a possible cause whichever way openpgp fails on it. The session
 * key's packet has no checksum, so now and then a wrong passphrase decrypts it to a key that looks
 * valid and the failure comes from the integrity check, as for an altered file (seen once in a
 * fresh-clone run: "the file is truncated or has been altered" for a wrong passphrase).
 */
describe('backup decryption: what a failure says', () => {
  it('names a wrong BACKUP_PASSPHRASE even when the wrong passphrase gets past the session key', async function () {
    this.timeout(60_000);
    // A low S2K count only to make each try cheap; decryption reads the count from the file.
    const message = await openpgp.createMessage({ binary: new TextEncoder().encode('a backup'), format: 'binary' });
    const file = await openpgp.encrypt({ message, passwords: ['the right one'], format: 'binary', config: { s2kIterationCountByte: 0, preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256 } });
    const seen = new Map<string, string>();
    // Each wrong passphrase fails one of two ways; try until both have been seen (about 150 tries for the rare one).
    for (let i = 0; i < 5000 && seen.size < 2; i++) {
      const err = await decrypt(file, `wrong ${i}`).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `passphrase "wrong ${i}" was accepted`).to.be.instanceOf(DecryptError);
      const raw = /\(([^)]*)\)\.?$/.exec((err as Error).message)?.[1] ?? '';
      const kind = /modification|integrity|mdc|tag/i.test(raw) ? 'integrity' : 'session key';
      if (!seen.has(kind)) seen.set(kind, (err as Error).message);
    }
    expect([...seen.keys()].sort(), 'both ways a wrong passphrase fails').to.deep.equal(['integrity', 'session key']);
    for (const [kind, text] of seen) expect(text, kind).to.match(/wrong BACKUP_PASSPHRASE/);
    // An altered file still says it may have been altered.
    expect(seen.get('integrity')).to.match(/truncated or has been altered/);
  });
});

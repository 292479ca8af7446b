import type { Executor } from '../../db/client.js';
import { deletionLedger } from '../../db/schema.js';

type Tx = Executor;

/** Records a personal-data deletion in the same transaction as the deletion itself. */
export async function recordDeletion(tx: Tx, entry: { kind: 'subscriber' | 'staff'; subjectHash: string }): Promise<void> {
  await tx.insert(deletionLedger).values({ kind: entry.kind, subjectHash: entry.subjectHash });
}

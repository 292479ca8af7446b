import type { Db, Executor } from '../db/client.js';
import type { Role } from './roles.js';

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** What every domain verb receives: who acts, the database (or open transaction), and the time. */
export interface Ctx {
  db: Db;
  now: Date;
  actor: Actor | null;
  requestId?: string;
  /** Called after each transaction made through this context commits, with the outbox events it recorded. */
  onCommit?: (events: readonly CommittedEvent[]) => void;
}

/** An outbox event as its transaction recorded it. */
export interface CommittedEvent {
  id: number;
  type: string;
}

export interface TxCtx extends Ctx {
  tx: Executor;
  /** The events recorded in this transaction so far (recordEvent adds to it). */
  recorded?: CommittedEvent[];
}

/** Runs a verb body in one transaction: rows, audit entries and outbox events commit together. */
export async function inTransaction<T>(ctx: Ctx, fn: (tctx: TxCtx) => Promise<T>): Promise<T> {
  const recorded: CommittedEvent[] = [];
  const result = await ctx.db.transaction((tx) => fn({ ...ctx, tx: tx as unknown as Executor, recorded }));
  ctx.onCommit?.(recorded);
  return result;
}

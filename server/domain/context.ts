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
  /** Called after each transaction made through this context commits (the outbox fans out at once). */
  onCommit?: () => void;
}

export interface TxCtx extends Ctx {
  tx: Executor;
}

/** Runs a verb body in one transaction: rows, audit entries and outbox events commit together. */
export async function inTransaction<T>(ctx: Ctx, fn: (tctx: TxCtx) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction((tx) => fn({ ...ctx, tx: tx as unknown as Executor }));
  ctx.onCommit?.();
  return result;
}

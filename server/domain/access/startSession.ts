import { sessions } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Actor, type Ctx } from '../context.js';
import { newToken, sha256 } from '../secrets.js';
import type { SignInMethod } from '../staff/signInMethods.js';

export const SESSION_TTL_MS = 12 * 3600_000;

/** Opens a console session; the cookie value is returned once and only its hash is stored. */
export async function startSession(ctx: Ctx, actor: Actor, client: { userAgent?: string; method?: SignInMethod } = {}): Promise<{ cookieValue: string; expiresAt: Date }> {
  const cookieValue = newToken('s_');
  const expiresAt = new Date(ctx.now.getTime() + SESSION_TTL_MS);
  const userAgent = client.userAgent ? client.userAgent.slice(0, 300) : null;
  const signInMethod = client.method ?? 'password';
  await inTransaction({ ...ctx, actor }, async (t) => {
    await t.tx.insert(sessions).values({ idHash: sha256(cookieValue), userId: actor.id, createdAt: t.now, expiresAt, lastSeenAt: t.now, userAgent, signInMethod });
    await recordAudit(t, { action: 'session.login', subjectType: 'user', subjectId: actor.id, after: { user_agent: userAgent, method: signInMethod } });
  });
  return { cookieValue, expiresAt };
}

import { Router, type Request } from 'express';
import type { AppDeps } from '../../../deps.js';
import { endOwnSession } from '../../../domain/access/endOwnSession.js';
import { listSessions } from '../../../domain/access/listSessions.js';
import { presentSession } from '../../../presenters/staff.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { parse, uuidParam } from '../../validate.js';

const DONE: Record<string, string> = { session_ended: 'The session has ended.' };

/** The "Security" page: each person's own console sessions (and, later, their second factors). */
export function securityConsoleRoutes(deps: AppDeps): Router {
  const r = Router();

  async function securityPage(req: Request) {
    const rows = await listSessions(ctxOf(deps, req));
    return { title: 'Security', sessions: rows.map((s) => presentSession(s, req.sessionId)) };
  }

  r.get('/security', requireConsole('read'), async (req, res) => {
    const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    res.render('pages/security', { ...(await securityPage(req)), done });
  });

  r.post('/security/sessions/:id/end', requireConsole('read'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    await endOwnSession(ctxOf(deps, req), id);
    // Ending the session in use signs this browser out.
    res.redirect(303, id === req.sessionId ? '/console/login' : '/console/security?done=session_ended');
  });

  return r;
}

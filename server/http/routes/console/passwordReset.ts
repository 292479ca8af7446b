import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { rateLimited } from '../../../domain/errors.js';
import { requestPasswordReset } from '../../../domain/staff/requestPasswordReset.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { parse } from '../../validate.js';
import { emailField } from '../api/fields.js';

const VIEW = 'pages/forgot-password';
const TITLE = 'Forgot password';

/**
 * "Forgot password?": always the same answer whether the address exists or not. Without SMTP the
 * page says to ask an admin, who issues a link from the Staff page.
 */
export function passwordResetRoutes(deps: AppDeps): Router {
  const r = Router();
  const emailOn = Boolean(deps.config.SMTP_URL);
  // Per client address, on top of the per-person limit inside the verb.
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res, _next, options) =>
      renderFormError(res, VIEW, rateLimited('Too many reset requests from here; try again later.', Math.ceil(options.windowMs / 1000)), { title: TITLE, emailOn, email: req.body?.email }),
  });

  r.get('/forgot-password', (_req, res) => {
    res.render(VIEW, { title: TITLE, emailOn });
  });

  r.post('/forgot-password', limiter, async (req, res) => {
    try {
      if (!emailOn) return res.status(503).render(VIEW, { title: TITLE, emailOn });
      const { email } = parse(z.object({ email: emailField }), req.body);
      await requestPasswordReset(ctxOf(deps, req), { email }, deps.sessionSecret);
      res.render(VIEW, { title: TITLE, emailOn, sent: true });
    } catch (err) {
      renderFormError(res, VIEW, err, { title: TITLE, emailOn, email: req.body?.email });
    }
  });

  return r;
}

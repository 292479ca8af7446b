import express, { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { components, subscribers } from '../../../db/schema.js';
import { DomainError, rateLimited, unavailable } from '../../../domain/errors.js';
import { confirmSubscription } from '../../../domain/subscribers/confirmSubscription.js';
import { getSubscriber } from '../../../domain/subscribers/getSubscriber.js';
import { subscriberLinks, verifySubscriber } from '../../../domain/subscribers/links.js';
import type { SubscriberRow } from '../../../domain/subscribers/shared.js';
import { subscribe } from '../../../domain/subscribers/subscribe.js';
import { deleteSubscriber } from '../../../domain/subscribers/deleteSubscriber.js';
import { mirrorDeletionLedger } from '../../../backup/ledgerFile.js';
import { subscriberData } from '../../../domain/subscribers/subscriberData.js';
import { updateSubscription } from '../../../domain/subscribers/updateSubscription.js';
import { ctxOf } from '../../context.js';
import { parse, uuidParam } from '../../validate.js';

const emailField = z.email('must be an e-mail address').max(254, 'must be at most 254 characters');
const apiBody = z.strictObject({ email: emailField, components: z.array(uuidParam).max(200).optional() });
const formBody = z.object({ email: emailField, components: z.union([uuidParam, z.array(uuidParam).max(200)]).optional() });
const linkQuery = z.object({ s: uuidParam, sig: z.string().min(1).max(200) });
const manageBody = z.object({ scope: z.enum(['all', 'some']), components: z.union([uuidParam, z.array(uuidParam).max(200)]).optional() });

const asList = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const PUBLIC = { layout: 'public', scripts: [] };

/**
 * Public e-mail subscriptions: the JSON API, the status page form, and the signed confirm /
 * manage / unsubscribe links. The signature in the link authorizes, so these forms carry no CSRF
 * token, and the one-click unsubscribe POST (RFC 8058) works from a mail client.
 */
export function subscriptionRoutes(deps: AppDeps): Router {
  const r = Router();
  const limits = { confirmationsPerMinute: deps.config.CONFIRMATION_MAILS_PER_MINUTE };
  const json = express.json({ limit: '10kb', strict: true });
  const form = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 250 });
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) => next(rateLimited('Too many subscription requests; try again in a minute', Math.ceil(options.windowMs / 1000))),
  });

  /** The subscriber id named by a signed link; a forged or mangled signature is refused. */
  const signedId = (req: Request): string => {
    const q = parse(linkQuery, req.query);
    if (!verifySubscriber(deps.sessionSecret, q.s, q.sig)) throw new DomainError('forbidden', 'invalid_link', 'This link is not valid. Use the newest link from one of our e-mails.');
    return q.s;
  };
  const signed = async (req: Request): Promise<SubscriberRow> => getSubscriber(deps.database.db, signedId(req));
  /** The subscriber, or null once deleted (an old unsubscribe link still works, and says so). */
  const signedOrGone = async (req: Request): Promise<SubscriberRow | null> => {
    const id = signedId(req);
    const [row] = await deps.database.db.select().from(subscribers).where(eq(subscribers.id, id));
    return row ?? null;
  };

  const managePage = async (sub: SubscriberRow, flash?: string) => {
    const all = await deps.database.db.select().from(components).orderBy(asc(components.position), asc(components.name));
    const groupName = new Map(all.filter((c) => c.isGroup).map((c) => [c.id, c.name]));
    const chosen = new Set(sub.componentIds ?? []);
    const links = subscriberLinks('', deps.sessionSecret, sub.id);
    return {
      ...PUBLIC,
      title: 'Manage your subscription',
      flash,
      email: sub.email,
      unsubscribed: Boolean(sub.unsubscribedAt),
      pending: !sub.confirmedAt,
      everything: sub.componentIds === null,
      components: all.filter((c) => !c.isGroup).map((c) => ({ id: c.id, name: c.groupId && groupName.has(c.groupId) ? `${groupName.get(c.groupId)} › ${c.name}` : c.name, checked: chosen.has(c.id) })),
      manageUrl: links.manage,
      unsubscribeUrl: links.unsubscribe,
      dataUrl: links.manage.replace('/subscribe/manage?', '/subscribe/data?'),
    };
  };

  // Without SMTP nobody could confirm: refuse rather than keep a sign-up that can never complete.
  const requireEmail = () => {
    if (!deps.config.SMTP_URL) throw unavailable('email_disabled', 'E-mail updates are not available on this status page. Follow the RSS or Atom feed instead.', { feeds: ['/history.rss', '/history.atom'] });
  };

  r.post('/api/v1/subscribers', limiter, json, async (req, res) => {
    requireEmail();
    const body = parse(apiBody, req.body);
    await subscribe(ctxOf(deps, req), { email: body.email, componentIds: body.components ?? null }, limits);
    res.status(202).json({ status: 'pending_confirmation' });
  });

  r.post('/subscribe', limiter, form, async (req, res) => {
    requireEmail();
    const body = parse(formBody, req.body);
    await subscribe(ctxOf(deps, req), { email: body.email, componentIds: asList(body.components) ?? null }, limits);
    res.status(202).render('pages/subscribe-check', { ...PUBLIC, title: 'Check your inbox', email: body.email });
  });

  r.get('/subscribe/confirm', async (req, res) => {
    const sub = await confirmSubscription(ctxOf(deps, req), (await signed(req)).id);
    res.render('pages/subscribe-manage', await managePage(sub, sub.unsubscribedAt ? undefined : 'Your subscription is confirmed.'));
  });

  r.get('/subscribe/manage', async (req, res) => {
    res.render('pages/subscribe-manage', await managePage(await signed(req)));
  });

  r.post('/subscribe/manage', form, async (req, res) => {
    const sub = await signed(req);
    const body = parse(manageBody, req.body);
    const after = await updateSubscription(ctxOf(deps, req), sub.id, { componentIds: body.scope === 'all' ? null : (asList(body.components) ?? []) });
    res.render('pages/subscribe-manage', await managePage(after, 'Your choices are saved.'));
  });

  // "Download my data": everything held about this subscriber, as JSON.
  r.get('/subscribe/data', async (req, res) => {
    const sub = await signed(req);
    res.setHeader('Cache-Control', 'no-store');
    res.attachment('my-subscription-data.json').json(await subscriberData(deps.database.db, sub, deps.clock.now()));
  });

  r.get('/subscribe/unsubscribe', async (req, res) => {
    const sub = await signedOrGone(req);
    if (!sub || sub.unsubscribedAt) return res.render('pages/subscribe-unsubscribe', { ...PUBLIC, title: 'Unsubscribed', email: sub?.email, done: true });
    res.render('pages/subscribe-unsubscribe', { ...PUBLIC, title: 'Unsubscribe', email: sub.email, done: false, unsubscribeUrl: subscriberLinks('', deps.sessionSecret, sub.id).unsubscribe });
  });

  // Unsubscribing deletes the address ("delete me" on the manage page posts here too). One-click
  // (RFC 8058): mail clients POST `List-Unsubscribe=One-Click`; the body is not needed.
  r.post('/subscribe/unsubscribe', form, async (req, res) => {
    const sub = await signedOrGone(req);
    if (sub) {
      await deleteSubscriber(ctxOf(deps, req), deps.sessionSecret, sub.id);
      await mirrorDeletionLedger(deps); // after the commit: the copy kept with the backups
    }
    res.render('pages/subscribe-unsubscribe', { ...PUBLIC, title: 'Unsubscribed', email: sub?.email, done: true });
  });

  return r;
}

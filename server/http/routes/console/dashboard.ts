import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { deliveryHealth } from '../../../domain/deliveries/deliveryHealth.js';
import { listIncidents } from '../../../domain/incidents/listIncidents.js';
import { milestones } from '../../../domain/incidents/sla.js';
import { listMaintenances } from '../../../domain/maintenance/listMaintenances.js';
import { can } from '../../../domain/roles.js';
import { dismissSetupChecklist } from '../../../domain/settings/dismissSetupChecklist.js';
import { loadSetupChecklist, type ChecklistKey } from '../../../domain/settings/setupChecklist.js';
import { twitterConfigured } from '../../../notify/twitterChannel.js';
import { presentDelivery } from '../../../presenters/deliveries.js';
import { presentIncident } from '../../../presenters/incidents.js';
import { MILESTONE_LABELS } from '../../../presenters/labels.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone } from '../../flash.js';
import { easternSpan } from './maintenance.js';

/** What each checklist item says, and where (or how) to do it. */
const ITEMS: Record<ChecklistKey, { todo: string; doneText: string; how: string; href?: string }> = {
  components: { todo: 'Add the components customers see', doneText: 'Components added', how: 'List the parts of your service on the status page.', href: '/console/components' },
  sla_policy: { todo: 'Review the SLA policy', doneText: 'SLA policy reviewed', how: 'Check the goals per severity; save them or confirm the defaults.', href: '/console/sla-policy' },
  second_admin: { todo: 'Invite a second admin', doneText: 'A second admin is set up', how: 'So someone else can manage the desk when you are away.', href: '/console/users' },
  email: { todo: 'Turn on e-mail', doneText: 'E-mail is on', how: 'E-mail is off: set SMTP_URL (and MAIL_FROM) so subscribers and staff get e-mail. Until then nobody is e-mailed.' },
  twitter: { todo: 'Turn on Twitter', doneText: 'Twitter is on', how: 'Twitter is off (no credentials): set TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_SECRET to tweet incidents and maintenance.' },
};

/** The console's front page: the first-run checklist until it is done or dismissed, and the live overview. */
export function dashboardRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;

  r.get('/', requireConsole('read'), async (req, res) => {
    const now = deps.clock.now();
    const checklist = await loadSetupChecklist(db, { emailOn: Boolean(deps.config.SMTP_URL), twitterOn: twitterConfigured(deps.config) });
    const open = await listIncidents(db, { status: ['investigating', 'identified', 'monitoring'], limit: 100 }, now);
    const far = Number.MAX_SAFE_INTEGER;
    const incidents = open.incidents
      .map((i) => presentIncident(i, open.policy, now))
      .sort((a, b) => (a.next_deadline_at ? Date.parse(a.next_deadline_at) : far) - (b.next_deadline_at ? Date.parse(b.next_deadline_at) : far));
    const upcoming = await listMaintenances(db, { status: ['scheduled', 'in_progress', 'verifying'], limit: 3 });
    const isAdmin = req.actor?.role === 'admin';
    const health = isAdmin ? await deliveryHealth(ctxOf(deps, req)) : null;
    res.render('pages/dashboard', {
      title: 'Dashboard',
      checklist: checklist.show && {
        items: checklist.items.map((i) => ({ ...i, ...ITEMS[i.key] })),
        left: checklist.items.filter((i) => !i.done).length,
        canDismiss: isAdmin,
      },
      incidents: incidents.map((i) => ({ ...i, timers: milestones.map((m) => ({ label: MILESTONE_LABELS[m], ...i.sla[m] })) })),
      maintenance: upcoming.map(({ maintenance: m }) => ({ id: m.id, title: m.title, status: m.status, eastern: easternSpan(m.scheduledFor, m.scheduledUntil), scheduled_for: m.scheduledFor.toISOString() })),
      deliveries: health && { ...health, recent: health.recent.map((x) => presentDelivery(x.d, x.type)) },
      emailOff: !deps.config.SMTP_URL,
      canOperate: req.actor ? can(req.actor.role, 'operate') : false,
      scripts: ['/socket.io/socket.io.js', '/public/js/console-live.js'],
    });
  });

  r.post('/checklist/dismiss', requireConsole('administer'), async (req, res) => {
    await dismissSetupChecklist(ctxOf(deps, req));
    redirectDone(res, '/console', 'checklist_dismissed');
  });

  return r;
}

import type { RequestHandler, Response } from 'express';

// Success messages after console actions: the action redirects with `?done=<key>` and the next
// page shows the fixed sentence for that key. Server-rendered (works without JavaScript), and only
// known keys are shown, so a crafted link cannot put words on the page.
export const DONE = {
  incident_filed: 'Incident filed.',
  update_posted: 'Update posted.',
  milestone_recorded: 'Milestone recorded.',
  severity_changed: 'Severity changed.',
  note_added: 'Internal note added.',
  maintenance_scheduled: 'Maintenance scheduled.',
  maintenance_changed: 'Maintenance changes saved.',
  maintenance_cancelled: 'Maintenance cancelled.',
  maintenance_verifying: 'Maintenance marked as verifying.',
  maintenance_completed: 'Maintenance marked complete.',
  component_added: 'Component added.',
  component_saved: 'Component saved.',
  component_deleted: 'Component deleted.',
  notice_added: 'Notice added.',
  notice_saved: 'Notice saved.',
  notice_deleted: 'Notice deleted.',
  template_added: 'Template saved.',
  template_saved: 'Template changes saved.',
  template_deleted: 'Template deleted.',
  postmortem_saved: 'Postmortem draft saved (not public yet).',
  postmortem_published: 'Postmortem published.',
  sla_policy_saved: 'The SLA policy was saved.',
  sla_policy_confirmed: 'The SLA policy is marked as reviewed.',
  update_cadence_saved: 'The next-update intervals were saved.',
  user_saved: 'Staff member saved.',
  user_deleted: 'Account deleted: name and e-mail scrubbed, sessions and tokens gone; their work now reads "former staff member".',
  token_revoked: 'Token revoked.',
  delivery_retried: 'Delivery queued for another attempt.',
  webhook_saved: 'Webhook endpoint saved.',
  webhook_deleted: 'Webhook endpoint deleted.',
  backup_taken: 'Backup written.',
  checklist_dismissed: 'Checklist dismissed. The dashboard now shows the live overview.',
} as const;

export type DoneKey = keyof typeof DONE;

/** 303 to `path` with the success message `key`. */
export function redirectDone(res: Response, path: string, key: DoneKey): void {
  res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}done=${key}`);
}

/** Puts the message of a known `?done=` key into the views' locals (`flash`). */
export const flashMessage: RequestHandler = (req, res, next) => {
  const key = req.query.done;
  if (typeof key === 'string' && Object.hasOwn(DONE, key)) res.locals.flash = DONE[key as DoneKey];
  next();
};

import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../../deps.js';
import { componentStatuses, incidentStatuses } from '../../../db/schema.js';
import { listComponents } from '../../../domain/components/listComponents.js';
import { addInternalNote } from '../../../domain/incidents/addInternalNote.js';
import { changeIncident } from '../../../domain/incidents/changeIncident.js';
import { createIncident } from '../../../domain/incidents/createIncident.js';
import { listIncidents } from '../../../domain/incidents/listIncidents.js';
import { postIncidentUpdate } from '../../../domain/incidents/postIncidentUpdate.js';
import { isBackdated } from '../../../domain/incidents/backdating.js';
import { getIncident, goalsOf } from '../../../domain/incidents/getIncident.js';
import { DEFAULT_FIX_MESSAGE, recordMilestone } from '../../../domain/incidents/recordMilestone.js';
import { SEVERITY_GUIDE } from '../../../domain/incidents/severityGuide.js';
import { milestones } from '../../../domain/incidents/sla.js';
import { getSlaPolicy } from '../../../domain/settings/slaPolicy.js';
import { getCadencePolicy } from '../../../domain/settings/updateCadence.js';
import { previewQuery, tweetPreview } from '../../../notify/tweetPreview.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone, type DoneKey } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { formatDurationText } from '../../durationText.js';
import { formatDuration } from '../../../presenters/durations.js';
import { presentIncident } from '../../../presenters/incidents.js';
import { MILESTONE_LABELS } from '../../../presenters/labels.js';
import { parse, uuidParam } from '../../validate.js';
import { templateOptions, templatePrefill } from './templatePrefill.js';
import { componentChangesFrom, createForm, milestoneForm, milestoneQuery, noteForm, postmortemForm, publishForm, severityForm, updateForm } from './incidentForms.js';
import { publishPostmortem } from '../../../domain/postmortems/publishPostmortem.js';
import { savePostmortem } from '../../../domain/postmortems/savePostmortem.js';
import { renderMarkdown } from '../../../presenters/markdown.js';

const SCRIPTS = ['/socket.io/socket.io.js', '/public/js/console-live.js', '/public/js/local-datetime.js'];
const DETAIL_SCRIPTS = [...SCRIPTS, '/public/js/tweet-preview.js'];

export function incidentConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;

  r.get('/incidents', requireConsole('read'), async (req, res) => {
    const now = deps.clock.now();
    const open = await listIncidents(db, { status: ['investigating', 'identified', 'monitoring'], limit: 100 }, now);
    const recent = await listIncidents(db, { status: ['resolved'], limit: 20 }, now);
    const far = Number.MAX_SAFE_INTEGER;
    const rows = open.incidents
      .map((i) => presentIncident(i, open.policy, now))
      .sort((a, b) => (a.next_deadline_at ? Date.parse(a.next_deadline_at) : far) - (b.next_deadline_at ? Date.parse(b.next_deadline_at) : far));
    res.render('pages/incidents', {
      title: 'Incidents',
      open: rows,
      recent: recent.incidents.map((i) => presentIncident(i, recent.policy, now)),
      now: now.toISOString(),
      scripts: SCRIPTS,
    });
  });

  async function newPage(extra: Record<string, unknown> = {}) {
    const policy = await getSlaPolicy(db);
    const cadence = await getCadencePolicy(db);
    const comps = (await listComponents(db)).filter((c) => !c.isGroup);
    return {
      title: 'File an incident',
      guide: SEVERITY_GUIDE.map((g) => ({
        ...g,
        goals: milestones.map((m) => ({ label: MILESTONE_LABELS[m], text: formatDuration(policy[`${g.severity}`][m]) })),
        checked: String(extra.severity ?? '') === String(g.severity),
      })),
      policyJson: JSON.stringify(policy),
      // What a blank "Next update within" promises, in the notation the field takes.
      nextUpdateDefaults: SEVERITY_GUIDE.map((g) => {
        const minutes = cadence[`${g.severity}`];
        return { severity: g.severity, text: minutes === null ? 'no promise' : formatDurationText(minutes * 60_000) };
      }),
      components: comps.map((c) => ({ id: c.id, name: c.name, status: c.status, options: componentStatuses.map((s) => ({ value: s, selected: extra[`c.${c.id}`] === s })) })),
      statuses: componentStatuses,
      scripts: ['/public/js/incident-form.js', '/public/js/local-datetime.js'],
      form: { ...extra, quiet: checkbox(extra.quiet) },
      templates: await templateOptions(deps, extra.template_id),
    };
  }

  r.get('/incidents/new', requireConsole('operate'), async (req, res) => {
    res.render('pages/incident-new', await newPage(await templatePrefill(deps, req.query, 'incident')));
  });

  r.post('/incidents', requireConsole('operate'), async (req, res) => {
    try {
      const input = { ...parse(createForm, req.body), components: componentChangesFrom(req.body) };
      const incident = await createIncident(ctxOf(deps, req), input);
      redirectDone(res, `/console/incidents/${incident.id}`, 'incident_filed');
    } catch (err) {
      renderFormError(res, 'pages/incident-new', err, await newPage(req.body));
    }
  });

  async function detailPage(id: string, extra: Record<string, unknown> = {}, update: Record<string, unknown> = {}) {
    const now = deps.clock.now();
    const d = await getIncident(db, id);
    const incident = presentIncident(d.incident, d.policy, now, d);
    const linked = new Set(d.components.map((c) => c.id));
    const all = (await listComponents(db)).filter((c) => !c.isGroup);
    return {
      title: incident.title,
      incident,
      resolved: incident.status === 'resolved',
      timers: milestones.map((m) => ({ key: m, label: MILESTONE_LABELS[m], ...incident.sla[m], recorded: incident.milestones[m], backdated: incident.backdated_milestones[m] })),
      statuses: incidentStatuses.map((s) => ({ value: s, selected: s === (update.status ?? incident.status) })),
      componentStatuses,
      components: all.map((c) => ({ id: c.id, name: c.name, status: c.status, linked: linked.has(c.id), options: componentStatuses.map((s) => ({ value: s, selected: update[`c.${c.id}`] === s })) })),
      update: { ...update, quiet: checkbox(update.quiet) },
      // The editor shows the saved draft and its rendering (the same renderer as the public page).
      postmortemForm: { body: d.incident.postmortemDraft ?? '' },
      postmortemPreview: d.incident.postmortemDraft ? renderMarkdown(d.incident.postmortemDraft) : null,
      postmortemUnpublished: Boolean(d.incident.postmortemDraft) && d.incident.postmortemDraft !== d.incident.postmortemBody,
      templates: await templateOptions(deps, update.template_id),
      severities: [1, 2, 3, 4].map((s) => ({ value: s, selected: s === incident.severity })),
      scripts: DETAIL_SCRIPTS,
      ...extra,
    };
  }

  r.get('/incidents/:id', requireConsole('read'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    res.render('pages/incident', await detailPage(id, {}, await templatePrefill(deps, req.query, 'update')));
  });

  // JSON for the update form's tweet preview (the console has sessions, not bearer tokens).
  r.get('/incidents/:id/tweet-preview', requireConsole('read'), async (req, res) => {
    res.json(await tweetPreview(deps, parse(uuidParam, req.params.id), parse(previewQuery, req.query)));
  });

  // Each action posts to its own path and comes back to the incident page with its success message.
  const DONE_BY_PATH: Record<string, DoneKey> = { updates: 'update_posted', milestones: 'milestone_recorded', severity: 'severity_changed', notes: 'note_added', postmortem: 'postmortem_saved', publish: 'postmortem_published' };
  const action = (fn: (req: Request, id: string) => Promise<unknown>) => async (req: Request, res: Response) => {
    const id = parse(uuidParam, req.params.id);
    try {
      await fn(req, id);
      redirectDone(res, `/console/incidents/${id}`, DONE_BY_PATH[req.path.split('/').pop() ?? ''] ?? 'update_posted');
    } catch (err) {
      renderFormError(res, 'pages/incident', err, await detailPage(id));
    }
  };

  r.post('/incidents/:id/updates', requireConsole('operate'), action((req, id) =>
    postIncidentUpdate(ctxOf(deps, req), id, { ...parse(updateForm, req.body), components: componentChangesFrom(req.body) })));
  // Recording a fix tells customers: a confirm step shows what will be published and to whom.
  async function confirmPage(id: string, form: { milestone: 'temporary_fix' | 'final_fix'; at?: Date; message?: string; reason?: string; quiet?: boolean }, extra: Record<string, unknown> = {}) {
    const now = deps.clock.now();
    const d = await getIncident(db, id);
    const at = form.at ?? now;
    const backdated = isBackdated({ milestone: form.milestone, at, now, goals: goalsOf(d.incident, d.policy), facts: d.incident });
    return {
      title: `${MILESTONE_LABELS[form.milestone]} · ${d.incident.title}`,
      incident: presentIncident(d.incident, d.policy, now),
      milestone: form.milestone,
      label: MILESTONE_LABELS[form.milestone],
      final: form.milestone === 'final_fix',
      at: form.at?.toISOString() ?? '',
      atShown: at.toISOString(),
      needsReason: backdated || Boolean(form.reason),
      form: { message: form.message ?? DEFAULT_FIX_MESSAGE[form.milestone], reason: form.reason ?? '', quiet: form.quiet ?? false },
      restores: form.milestone === 'final_fix' ? d.components.filter((c) => c.status !== 'operational').map((c) => c.name) : [],
      emailOff: !deps.config.SMTP_URL,
      scripts: SCRIPTS,
      ...extra,
    };
  }

  r.get('/incidents/:id/milestones/confirm', requireConsole('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    res.render('pages/incident-milestone', await confirmPage(id, parse(milestoneQuery, req.query)));
  });

  r.post('/incidents/:id/milestones', requireConsole('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    try {
      const form = parse(milestoneForm, raw);
      if (!form.confirmed) {
        const query = new URLSearchParams({ milestone: form.milestone, ...(form.at && { at: form.at.toISOString() }) });
        res.redirect(303, `/console/incidents/${id}/milestones/confirm?${query}`);
        return;
      }
      await recordMilestone(ctxOf(deps, req), id, form);
      redirectDone(res, `/console/incidents/${id}`, 'milestone_recorded');
    } catch (err) {
      // A fix's errors go back to its confirm step with what was typed; work start's to the incident.
      const step = milestoneQuery.safeParse({ milestone: raw.milestone, at: raw.at });
      if (!step.success || typeof raw.message !== 'string') return renderFormError(res, 'pages/incident', err, await detailPage(id));
      const typed = { ...step.data, message: raw.message, reason: typeof raw.reason === 'string' ? raw.reason : undefined, quiet: checkbox(raw.quiet) };
      renderFormError(res, 'pages/incident-milestone', err, await confirmPage(id, typed));
    }
  });
  r.post('/incidents/:id/severity', requireConsole('operate'), action((req, id) =>
    changeIncident(ctxOf(deps, req), id, parse(severityForm, req.body))));
  r.post('/incidents/:id/notes', requireConsole('operate'), action((req, id) =>
    addInternalNote(ctxOf(deps, req), id, parse(noteForm, req.body))));

  // Postmortem editor: "Preview" re-renders the page with the typed text (nothing saved, no JS needed).
  r.post('/incidents/:id/postmortem', requireConsole('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    try {
      const form = parse(postmortemForm, req.body);
      if (form.action === 'preview') {
        res.render('pages/incident', await detailPage(id, { postmortemForm: { body: form.body }, postmortemPreview: renderMarkdown(form.body), postmortemPreviewing: true }));
        return;
      }
      await savePostmortem(ctxOf(deps, req), id, form);
      redirectDone(res, `/console/incidents/${id}`, 'postmortem_saved');
    } catch (err) {
      const typed = typeof req.body?.body === 'string' ? req.body.body : '';
      renderFormError(res, 'pages/incident', err, await detailPage(id, { postmortemForm: { body: typed } }));
    }
  });
  r.post('/incidents/:id/postmortem/publish', requireConsole('operate'), action((req, id) =>
    publishPostmortem(ctxOf(deps, req), id, parse(publishForm, req.body))));

  return r;
}

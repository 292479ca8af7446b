import express, { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { importStatuspage } from '../../../domain/import/importStatuspage.js';
import { arrayOf } from '../../../domain/import/statuspageEntries.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { sendExport } from '../../exportZip.js';
import { renderFormError } from '../../forms.js';
import { fieldError, parse } from '../../validate.js';
import { statuspageImportBody } from '../api/import.js';

export const IMPORT_BODY_LIMIT = '5mb';

const DOCUMENTS = [
  { field: 'components', key: 'components', file: 'components.json' },
  { field: 'incidents', key: 'incidents', file: 'incidents.json' },
  { field: 'scheduled_maintenances', key: 'scheduled_maintenances', file: 'scheduled-maintenances.json' },
] as const;

/** A pasted document: the whole `components.json` (or the bare array); empty means none. */
function documentArray(text: unknown, doc: (typeof DOCUMENTS)[number]): unknown[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fieldError(doc.field, `is not valid JSON (paste the content of ${doc.file})`);
  }
  const list = arrayOf(value, doc.key);
  if (!list) throw fieldError(doc.field, `must be ${doc.file} or its "${doc.key}" array`);
  return list;
}

/** The console's data page: export everything and import from Statuspage (admins). */
export function dataConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const page = (extra: Record<string, unknown> = {}) => ({ title: 'Data', documents: DOCUMENTS, scripts: ['/public/js/import-files.js'], ...extra });

  r.get('/data', requireConsole('administer'), (_req, res) => res.render('pages/data', page()));
  r.get('/export', requireConsole('administer'), (_req, res) => sendExport(deps, res));

  r.post('/import/statuspage', requireConsole('administer'), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    try {
      const body = parse(statuspageImportBody, Object.fromEntries(DOCUMENTS.map((d) => [d.field, documentArray(form[d.field], d)])));
      const report = await importStatuspage(ctxOf(deps, req), body);
      res.render('pages/data', page({ report }));
    } catch (err) {
      renderFormError(res, 'pages/data', err, page({ values: form }));
    }
  });
  return r;
}

/** Statuspage documents are bigger than a form: this path gets its own body limit. */
export const importFormParser = express.urlencoded({ extended: false, limit: IMPORT_BODY_LIMIT, parameterLimit: 10 });

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { subscribers } from '../../server/db/schema.js';
import { csvCell } from '../../server/domain/export/csv.js';
import { Client, signInAs } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Downloads a zip and opens it with the real `unzip` binary: returns file name → text. */
async function download(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, res, files: new Map<string, string>(), text: bytes.toString() };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-export-'));
  const file = path.join(dir, 'export.zip');
  fs.writeFileSync(file, bytes);
  execFileSync('unzip', ['-t', '-q', file]); // CRCs and structure check out
  const names = execFileSync('zipinfo', ['-1', file], { encoding: 'utf8' }).trim().split('\n');
  const files = new Map(names.map((n) => [n, execFileSync('unzip', ['-p', file, n], { encoding: 'utf8', maxBuffer: 64 << 20 })]));
  fs.rmSync(dir, { recursive: true });
  return { status: res.status, res, files, text: '' };
}

/** A small RFC 4180 reader for the test (quoted fields with doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  return rows;
}

describe('export', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('admins download one zip with JSON and CSV per kind, holding what was written', async () => {
    const admin = await staff('admin');
    const api = new Client(s.baseUrl, admin.token);
    const comp = await api.post('/api/v1/components', { name: 'Export API, "v2"' });
    expect(comp.status, comp.text).to.equal(201);
    const inc = await api.post('/api/v1/incidents', { title: '=HYPERLINK("x") export test', severity: 2, message: 'Line one\nline two', components: [{ id: comp.body.id, status: 'major_outage' }] });
    expect(inc.status, inc.text).to.equal(201);
    const upd = await api.post(`/api/v1/incidents/${inc.body.id}/updates`, { status: 'identified', message: 'Found it' });
    expect(upd.status, upd.text).to.equal(201);
    const notice = await api.post('/api/v1/notices', { title: 'Export notice', body: 'b', level: 'info' });
    expect(notice.status, notice.text).to.equal(201);
    const now = s.clock.now();
    await s.deps.database.db.insert(subscribers).values({ email: 'export-sub@example.com', componentIds: [comp.body.id], confirmedAt: now, createdAt: now, updatedAt: now });

    const { status, res, files } = await download(`${s.baseUrl}/api/v1/export`, { authorization: `Bearer ${admin.token}` });
    expect(status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/zip');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="?beacon-export-2026-11-29\.zip"?$/);
    const kinds = ['components', 'incidents', 'incident_updates', 'incident_events', 'incident_components', 'maintenances', 'maintenance_components', 'notices', 'subscribers', 'audit_log', 'sla_policy', 'sla_report'];
    expect([...files.keys()].sort()).to.deep.equal(kinds.flatMap((k) => [`${k}.csv`, `${k}.json`]).sort());

    const json = (k: string) => JSON.parse(files.get(`${k}.json`)!) as any[];
    const incident = json('incidents').find((i) => i.id === inc.body.id);
    expect(incident).to.include({ title: '=HYPERLINK("x") export test', severity: 2, status: 'identified', reported_at: '2026-11-29T12:00:00.000Z' });
    expect(json('incident_updates').filter((u) => u.incident_id === inc.body.id).map((u) => u.body)).to.have.members(['Line one\nline two', 'Found it']);
    expect(json('incident_events').some((e) => e.incident_id === inc.body.id && e.kind === 'created')).to.equal(true);
    expect(json('incident_components')).to.deep.include({ incident_id: inc.body.id, component_id: comp.body.id });
    expect(json('notices').map((n) => n.title)).to.include('Export notice');
    expect(json('subscribers').find((x) => x.email === 'export-sub@example.com')).to.include({ confirmed_at: '2026-11-29T12:00:00.000Z' }).and.have.deep.property('component_ids', [comp.body.id]);
    expect(json('audit_log').some((a) => a.action === 'notice.create' && a.subject_id === notice.body.id)).to.equal(true);
    expect(json('sla_policy').find((p) => p.severity === 1)).to.deep.equal({ severity: 1, work_start_ms: 3_600_000, temporary_fix_ms: 14_400_000, final_fix_ms: 25_200_000 });
    expect(json('sla_report').find((r) => r.severity === 2 && r.goal === 'work_start').count).to.be.greaterThan(0);

    // The CSV holds the same rows; a comma, quotes, a newline and a formula survive as text.
    const csv = parseCsv(files.get('incidents.csv')!);
    const header = csv[0]!;
    expect(header.slice(0, 4)).to.deep.equal(['id', 'title', 'severity', 'status']);
    const row = csv.find((r) => r[0] === inc.body.id)!;
    expect(row[header.indexOf('title')]).to.equal(`'=HYPERLINK("x") export test`);
    const comps = parseCsv(files.get('components.csv')!);
    expect(comps.find((r) => r[0] === comp.body.id)![comps[0]!.indexOf('name')]).to.equal('Export API, "v2"');
    const updates = parseCsv(files.get('incident_updates.csv')!);
    expect(updates.map((r) => r[updates[0]!.indexOf('body')])).to.include('Line one\nline two');
    expect(csv.length - 1).to.equal(json('incidents').length);
  });

  it('pages through tables bigger than one page', async () => {
    const admin = await staff('admin');
    const now = s.clock.now();
    const rows = Array.from({ length: 1203 }, (_, i) => ({ email: `bulk-${i}@export.example`, createdAt: now, updatedAt: now }));
    await s.deps.database.db.insert(subscribers).values(rows);
    const { files } = await download(`${s.baseUrl}/api/v1/export`, { authorization: `Bearer ${admin.token}` });
    const emails = (JSON.parse(files.get('subscribers.json')!) as any[]).map((x) => x.email).filter((e: string) => e.endsWith('@export.example'));
    expect(new Set(emails).size).to.equal(1203);
    expect(parseCsv(files.get('subscribers.csv')!).filter((r) => r[1]?.endsWith('@export.example'))).to.have.length(1203);
  });

  it('is for admins only: 403 for regular staff and observers, 401 anonymous, console the same', async () => {
    for (const role of ['regular', 'observer'] as const) {
      const who = await staff(role);
      const r = await new Client(s.baseUrl, who.token).get('/api/v1/export');
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('forbidden');
    }
    expect((await new Client(s.baseUrl).get('/api/v1/export')).status).to.equal(401);
    const { c } = await signInAs(s.baseUrl, 'regular');
    expect((await c.get('/console/export', { accept: 'text/html' })).status).to.equal(403);
    expect((await c.get('/console/data', { accept: 'text/html' })).status).to.equal(403);
  });

  it('the console data page links to the same zip', async () => {
    const { c } = await signInAs(s.baseUrl, 'admin');
    const page = await c.get('/console/data', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('href="/console/export"');
    const { status, files } = await download(`${s.baseUrl}/console/export`, { cookie: c.cookieHeader() });
    expect(status).to.equal(200);
    expect(files.has('incidents.json') && files.has('audit_log.csv')).to.equal(true);
  });

  it('csv cells quote what needs quoting and defuse formulas', () => {
    expect(csvCell('plain')).to.equal('plain');
    expect(csvCell('a,b')).to.equal('"a,b"');
    expect(csvCell('say "hi"')).to.equal('"say ""hi"""');
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell(-3)).to.equal('-3');
    expect(csvCell(null)).to.equal('');
    expect(csvCell({ a: 1 })).to.equal('"{""a"":1}"');
  });
});

import { expect } from 'chai';
import { announcementsAt, nextMaintenanceLead, type Level } from '../../../server/domain/public/announcements.js';

const NOW = new Date('2026-11-29T12:00:00Z');
type Input = Parameters<typeof announcementsAt>[0];

const incident = (id: string, impact: string, started_at = '2026-11-29T11:00:00.000Z'): Input['incidents'][number] => ({
  id,
  name: `Incident ${id}`,
  impact,
  started_at,
  shortlink: `https://status.example/incidents/${id}`,
  incident_updates: [{ body: `latest ${id}` }, { body: `older ${id}` }],
});
const maintenance = (id: string, status: string, scheduled_for: string | null, scheduled_until: string | null = '2026-11-29T15:00:00.000Z'): Input['maintenances'][number] => ({
  id,
  name: `Maintenance ${id}`,
  status,
  scheduled_for,
  scheduled_until,
  shortlink: `https://status.example/maintenance/${id}`,
  body: `body ${id}`,
});
const notice = (id: string, level: Level, publishAt: string, expireAt: string | null): Input['notices'][number] => ({
  id,
  title: `Notice ${id}`,
  body: `notice body ${id}`,
  level,
  publishAt: new Date(publishAt),
  expireAt: expireAt ? new Date(expireAt) : null,
  dismissible: true,
  url: null,
});
const run = (p: Partial<Input>, now = NOW) => announcementsAt({ incidents: [], maintenances: [], notices: [], ...p }, now);

describe('announcementsAt (in-app banner)', () => {
  it('excludes incidents of impact none; minor/major/critical are info/warning/critical', () => {
    const list = run({ incidents: [incident('n', 'none'), incident('mi', 'minor'), incident('ma', 'major'), incident('cr', 'critical')] });
    expect(list.map((a) => [a.id, a.level])).to.deep.equal([
      ['incident:cr', 'critical'],
      ['incident:ma', 'warning'],
      ['incident:mi', 'info'],
    ]);
    const cr = list[0]!;
    expect(cr).to.deep.equal({
      id: 'incident:cr',
      kind: 'incident',
      level: 'critical',
      title: 'Incident cr',
      body: 'latest cr',
      starts_at: '2026-11-29T11:00:00.000Z',
      ends_at: null,
      url: 'https://status.example/incidents/cr',
      dismissible: false,
      next_update_at: null,
    });
    expect(list[1]!.dismissible).to.equal(true);
  });

  it('an incident carries its "next update by" promise', () => {
    const list = run({ incidents: [{ ...incident('x', 'minor'), next_update_at: '2026-11-29T12:30:00.000Z' }] });
    expect(list[0]!.next_update_at).to.equal('2026-11-29T12:30:00.000Z');
  });

  it('an incident without updates has an empty body', () => {
    const list = run({ incidents: [{ ...incident('x', 'minor'), incident_updates: [] }] });
    expect(list[0]!.body).to.equal('');
  });

  it('a scheduled maintenance appears from exactly 30 minutes before its start', () => {
    const m = [maintenance('m', 'scheduled', '2026-11-29T12:30:00.000Z')];
    expect(run({ maintenances: m }, new Date('2026-11-29T11:59:59.999Z'))).to.deep.equal([]);
    expect(run({ maintenances: m }, new Date('2026-11-29T11:59:59Z'))).to.deep.equal([]);
    const at = run({ maintenances: m }, new Date('2026-11-29T12:00:00Z'));
    expect(at).to.deep.equal([
      {
        id: 'maintenance:m',
        kind: 'maintenance',
        level: 'info',
        title: 'Maintenance m',
        body: 'body m',
        starts_at: '2026-11-29T12:30:00.000Z',
        ends_at: '2026-11-29T15:00:00.000Z',
        url: 'https://status.example/maintenance/m',
        dismissible: true,
        next_update_at: null,
      },
    ]);
    // Still shown while scheduled past its start (not yet started by the job).
    expect(run({ maintenances: m }, new Date('2026-11-29T12:31:00Z'))).to.have.length(1);
  });

  it('shows maintenance while in progress or verifying (as warning), never when completed', () => {
    const far = '2026-12-10T00:00:00.000Z';
    const list = run({
      maintenances: [
        maintenance('ip', 'in_progress', '2026-11-29T11:00:00.000Z'),
        maintenance('ve', 'verifying', '2026-11-29T10:00:00.000Z'),
        maintenance('done', 'completed', '2026-11-29T11:50:00.000Z'),
        maintenance('later', 'scheduled', far),
        maintenance('nodate', 'scheduled', null),
        maintenance('cancel', 'cancelled', '2026-11-29T12:10:00.000Z'),
      ],
    });
    expect(list.map((a) => [a.id, a.level])).to.deep.equal([
      ['maintenance:ve', 'warning'],
      ['maintenance:ip', 'warning'],
    ]);
  });

  it('notices are active in [publish_at, expire_at)', () => {
    const n = [notice('a', 'info', '2026-11-29T12:00:00Z', '2026-11-29T13:00:00Z'), notice('forever', 'info', '2026-11-01T00:00:00Z', null)];
    expect(run({ notices: n }, new Date('2026-11-29T11:59:59.999Z')).map((a) => a.id)).to.deep.equal(['notice:forever']);
    expect(run({ notices: n }, new Date('2026-11-29T12:00:00Z')).map((a) => a.id)).to.deep.equal(['notice:forever', 'notice:a']);
    expect(run({ notices: n }, new Date('2026-11-29T12:59:59.999Z')).map((a) => a.id)).to.include('notice:a');
    expect(run({ notices: n }, new Date('2026-11-29T13:00:00Z')).map((a) => a.id)).to.deep.equal(['notice:forever']);
    const shown = run({ notices: n }, NOW).find((a) => a.id === 'notice:a')!;
    expect(shown).to.deep.include({ kind: 'notice', starts_at: '2026-11-29T12:00:00.000Z', ends_at: '2026-11-29T13:00:00.000Z', body: 'notice body a' });
  });

  it('orders critical first, then warning, then info; ties by start', () => {
    const list = run({
      incidents: [incident('minor', 'minor', '2026-11-29T09:00:00.000Z'), incident('crit', 'critical', '2026-11-29T11:30:00.000Z')],
      maintenances: [maintenance('run', 'in_progress', '2026-11-29T11:00:00.000Z')],
      notices: [notice('warn', 'warning', '2026-11-29T08:00:00Z', null), notice('crit', 'critical', '2026-11-29T11:45:00Z', null), notice('inf', 'info', '2026-11-29T10:00:00Z', null)],
    });
    expect(list.map((a) => a.id)).to.deep.equal([
      'incident:crit',
      'notice:crit',
      'notice:warn',
      'maintenance:run',
      'incident:minor',
      'notice:inf',
    ]);
  });
});

describe('nextMaintenanceLead', () => {
  it('is the earliest future 30-minute lead among scheduled maintenances', () => {
    const next = nextMaintenanceLead(
      [
        { status: 'scheduled', scheduled_for: '2026-11-30T10:00:00Z' },
        { status: 'scheduled', scheduled_for: '2026-11-29T14:00:00Z' },
        { status: 'in_progress', scheduled_for: '2026-11-29T12:40:00Z' },
        { status: 'scheduled', scheduled_for: null },
      ],
      NOW,
    );
    expect(next?.toISOString()).to.equal('2026-11-29T13:30:00.000Z');
  });

  it('ignores leads already reached (at or before now) and returns null when none is left', () => {
    expect(nextMaintenanceLead([{ status: 'scheduled', scheduled_for: '2026-11-29T12:30:00Z' }], NOW)).to.equal(null);
    expect(nextMaintenanceLead([{ status: 'scheduled', scheduled_for: '2026-11-29T12:30:00.001Z' }], NOW)?.toISOString()).to.equal('2026-11-29T12:00:00.001Z');
    expect(nextMaintenanceLead([{ status: 'completed', scheduled_for: '2026-12-01T00:00:00Z' }], NOW)).to.equal(null);
    expect(nextMaintenanceLead([], NOW)).to.equal(null);
  });
});

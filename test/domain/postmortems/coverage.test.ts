import { expect } from 'chai';
import { postmortemCoverage, type CoverageIncident } from '../../../server/domain/postmortems/coverage.js';

const at = (h: number) => new Date(Date.UTC(2026, 10, 1, h));
const inc = (id: string, severity: number, status: string, h: number, pm: Partial<CoverageIncident> = {}): CoverageIncident => ({ id, title: id, severity, status, reportedAt: at(h), postmortemDraft: null, postmortemPublishedAt: null, ...pm });

describe('postmortem coverage (pure)', () => {
  it('states each postmortem and lists resolved severity 1–2 incidents without a published one', () => {
    const { incidents, missing } = postmortemCoverage([
      inc('sev1-published', 1, 'resolved', 3, { postmortemDraft: 'x', postmortemPublishedAt: at(9) }),
      inc('sev2-draft', 2, 'resolved', 2, { postmortemDraft: 'x' }),
      inc('sev1-none', 1, 'resolved', 1),
      inc('sev1-open', 1, 'investigating', 4),
      inc('sev3-none', 3, 'resolved', 5),
    ]);
    expect(incidents.map((i) => [i.id, i.postmortem])).to.deep.equal([
      ['sev1-none', 'none'],
      ['sev2-draft', 'draft'],
      ['sev1-published', 'published'],
      ['sev1-open', 'none'],
      ['sev3-none', 'none'],
    ]);
    expect(missing.map((i) => i.id)).to.deep.equal(['sev1-none', 'sev2-draft']);
  });
});

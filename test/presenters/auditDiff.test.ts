import { expect } from 'chai';
import { auditDiff } from '../../server/presenters/auditDiff.js';
import { fieldLabel, fieldSentence } from '../../server/presenters/fieldLabels.js';

describe('audit log diff (before → after per field)', () => {
  it('lists only the fields that changed', () => {
    expect(auditDiff({ name: 'A', role: 'regular', active: true }, { name: 'A', role: 'observer', active: false })).to.deep.equal([
      { field: 'role', before: 'regular', after: 'observer', kind: 'changed' },
      { field: 'active', before: 'yes', after: 'no', kind: 'changed' },
    ]);
  });

  it('creation adds every field; deletion removes every field', () => {
    expect(auditDiff(null, { name: 'Web', components: ['a', 'b'] })).to.deep.equal([
      { field: 'name', before: '—', after: 'Web', kind: 'added' },
      { field: 'components', before: '—', after: 'a, b', kind: 'added' },
    ]);
    expect(auditDiff({ url: 'https://x.example', description: null }, null)).to.deep.equal([{ field: 'url', before: 'https://x.example', after: '—', kind: 'removed' }]);
  });

  it('flattens nested objects and shows SLA goals as durations', () => {
    const before = { '1': { work_start: 3_600_000, final_fix: 25_200_000 } };
    const after = { '1': { work_start: 1_800_000, final_fix: 25_200_000 } };
    expect(auditDiff(before, after)).to.deep.equal([{ field: '1 › work start', before: '1 h', after: '30 min', kind: 'changed' }]);
    expect(auditDiff({ settings: { a: 1 } }, { settings: { a: 1 } })).to.deep.equal([]);
  });

  it('keeps long values readable', () => {
    const [c] = auditDiff({ body: 'x' }, { body: 'y'.repeat(1000) });
    expect(c!.after).to.have.length(301);
    expect(c!.after.endsWith('…')).to.equal(true);
  });
});

describe('form field names for error lists', () => {
  it('names fields as people read them', () => {
    expect(fieldLabel('title')).to.equal('Title');
    expect(fieldLabel('sev2_final_fix')).to.equal('Severity 2 final fix');
    expect(fieldLabel('c.5b0c0f5e-0000-4000-8000-000000000000')).to.equal('Component status');
    expect(fieldLabel('body', { body: 'Public description' })).to.equal('Public description');
    expect(fieldLabel('only_show_if_degraded')).to.equal('Only show if degraded');
  });

  it('turns field messages into sentences', () => {
    expect(fieldSentence('Title', 'is required')).to.equal('Title is required');
    expect(fieldSentence('Severity', 'choose a severity')).to.equal('Severity: choose a severity');
    expect(fieldSentence('Severity 1 work start', 'Severity 1 work start needs a unit')).to.equal('Severity 1 work start needs a unit');
    expect(fieldSentence('Expire at', 'expire_at must be after publish_at', 'expire_at')).to.equal('Expire at must be after publish at');
  });
});

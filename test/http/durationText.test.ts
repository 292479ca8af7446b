import { expect } from 'chai';
import { formatDurationText, parseDuration } from '../../server/http/durationText.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const ms = (text: string) => {
  const r = parseDuration(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.ms;
};
const error = (text: string) => {
  const r = parseDuration(text);
  if (r.ok) throw new Error(`${text} parsed as ${r.ms}`);
  return r.message;
};

describe('SLA goal durations ("1h", "48h", "14d", "1d 12h")', () => {
  it('parses the notations people write', () => {
    expect(ms('1h')).to.equal(H);
    expect(ms('48h')).to.equal(48 * H);
    expect(ms('14d')).to.equal(14 * D);
    expect(ms('90m')).to.equal(90 * M);
    expect(ms('1d 12h')).to.equal(36 * H);
    expect(ms(' 1D12H ')).to.equal(36 * H);
    expect(ms('2 hours 30 minutes')).to.equal(150 * M);
    expect(ms('1w')).to.equal(7 * D);
    expect(ms('1d, 2h, 3m')).to.equal(D + 2 * H + 3 * M);
  });

  it('refuses what is not a duration, with a hint', () => {
    expect(error('90')).to.equal('needs a unit: write 90m for minutes, 90h for hours or 90d for days');
    expect(error('')).to.include('is empty');
    expect(error('1.5h')).to.include('is not a duration; write it like 90m, 4h, 48h, 14d or 1d 12h');
    expect(error('2 fortnights')).to.include('is not a duration');
    expect(error('h')).to.include('is not a duration');
    expect(error('1h 2h')).to.include('twice');
    expect(error('-1h')).to.include('is not a duration');
    expect(error('99999999999999999999d')).to.equal('is too long');
  });

  it('shows goals in the same notation: hours below a week, days from a week', () => {
    expect(formatDurationText(H)).to.equal('1h');
    expect(formatDurationText(48 * H)).to.equal('48h');
    expect(formatDurationText(72 * H)).to.equal('72h');
    expect(formatDurationText(7 * D)).to.equal('7d');
    expect(formatDurationText(14 * D)).to.equal('14d');
    expect(formatDurationText(30 * M)).to.equal('30m');
    expect(formatDurationText(90 * M)).to.equal('90m');
    expect(formatDurationText(150 * M)).to.equal('2h 30m');
    expect(formatDurationText(8 * D + 12 * H)).to.equal('8d 12h');
    expect(formatDurationText(8 * D + 5 * M)).to.equal('8d 5m');
  });

  it('round-trips every goal it shows', () => {
    for (const v of [M, 59 * M, 61 * M, 90 * M, H, 7 * H, 36 * H, 48 * H, 6 * D + 23 * H + 59 * M, 7 * D, 14 * D, 30 * D, 365 * D, 8 * D + 12 * H + 1 * M]) {
      expect(ms(formatDurationText(v)), formatDurationText(v)).to.equal(v);
    }
  });
});

import { expect } from 'chai';
import { negotiateEncoding } from '../../server/http/encoding.js';

describe('Accept-Encoding negotiation', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, br', 'br'],
    ['br, gzip', 'br'],
    ['gzip, deflate, br', 'br'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip;q=0, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=0.8, gzip;q=0.5', 'br'],
    ['br ; q=0.9 , gzip ; q=0.9', 'br'],
    ['identity', 'identity'],
    ['identity, gzip', 'gzip'],
    ['identity;q=1, gzip;q=0.5', 'identity'],
    ['deflate', 'identity'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['*;q=0', 'identity'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['identity;q=0, gzip;q=0.1', 'gzip'],
    ['identity;q=0', 'identity'],
    ['gzip;q=2, br;q=abc', 'identity'],
    ['gzip;q=0.001', 'gzip'],
    ['gzip;level=1;q=0.3, identity;q=0.2', 'gzip'],
  ];
  for (const [header, want] of cases) {
    it(`${JSON.stringify(header)} → ${want}`, () => expect(negotiateEncoding(header)).to.equal(want));
  }

  it('joins repeated header lines', () => expect(negotiateEncoding(['gzip;q=0.5', 'br;q=0.4'])).to.equal('gzip'));
});

import { expect } from 'chai';
import { statusLabel, truncateTweet, TWEET_MAX, tweetLength, tweetText } from '../../server/notify/tweetText.js';

const URL = 'https://status.example.com/incidents/6f1c2a9e-7d4b-4c1e-9a55-0123456789ab';

describe('tweet text', () => {
  it('counts every URL as 23 characters, whatever its length', () => {
    expect(tweetLength('hello')).to.equal(5);
    expect(tweetLength(URL)).to.equal(23);
    expect(tweetLength(`a ${URL} b http://x.co`)).to.equal(2 + 23 + 3 + 23);
    expect(tweetLength('héllo ✓')).to.equal(7);
  });

  it('builds "[Status] Title — message link" with the link last', () => {
    const t = tweetText({ label: statusLabel('investigating'), title: 'Checkout failing', message: 'We are looking into it.', url: URL });
    expect(t).to.equal(`[Investigating] Checkout failing — We are looking into it. ${URL}`);
    expect(tweetLength(t)).to.equal(t.length - URL.length + 23);
  });

  it('folds newlines and runs of spaces into one line', () => {
    expect(tweetText({ label: 'Identified', title: 'API', message: 'Line one.\n\n  Line two.', url: URL })).to.equal(`[Identified] API — Line one. Line two. ${URL}`);
  });

  it('truncates the body with … so the whole tweet is exactly at most 280, keeping the link', () => {
    const t = tweetText({ label: 'Monitoring', title: 'Checkout failing', message: 'x'.repeat(1000), url: URL });
    expect(tweetLength(t)).to.equal(TWEET_MAX);
    expect(t.endsWith(`… ${URL}`)).to.equal(true);
    expect(t.startsWith('[Monitoring] Checkout failing — xxx')).to.equal(true);
  });

  it('never exceeds 280 whatever goes in (URLs in the message, long titles, emoji)', () => {
    const bodies = ['', 'short', 'y'.repeat(300), `see ${URL} `.repeat(20), '🔥'.repeat(400), `${'z'.repeat(240)} https://example.com/a/very/long/link/that/gets/cut`];
    for (const message of bodies) {
      for (const title of ['T', 'A long title '.repeat(30)]) {
        const t = tweetText({ label: 'Investigating', title, message, url: URL });
        expect(tweetLength(t), t).to.be.at.most(TWEET_MAX);
        expect(t.endsWith(` ${URL}`)).to.equal(true);
      }
    }
  });

  it('uses a custom tweet verbatim, cutting it only if over 280', () => {
    expect(tweetText({ label: 'Investigating', title: 'x', message: 'y', url: URL, custom: 'Our own words. https://example.com' })).to.equal('Our own words. https://example.com');
    const long = tweetText({ title: 'x', custom: 'w'.repeat(400) });
    expect(tweetLength(long)).to.equal(TWEET_MAX);
    expect(long.endsWith('…')).to.equal(true);
  });

  it('a cut through a URL still fits', () => {
    const t = truncateTweet(`${'a'.repeat(250)} https://example.com/${'p'.repeat(40)}`, 260);
    expect(tweetLength(t)).to.be.at.most(260);
  });

  it('labels statuses for humans', () => {
    expect(statusLabel('in_progress')).to.equal('In progress');
    expect(statusLabel('resolved')).to.equal('Resolved');
  });

  it('keeps the "next update by" line whole before the link and cuts the message instead, ≤ 280', () => {
    const footer = 'Next update by 14:30 UTC.';
    expect(tweetText({ label: 'Identified', title: 'API', message: 'Found it.', footer, url: URL })).to.equal(`[Identified] API — Found it. ${footer} ${URL}`);
    const long = tweetText({ label: 'Identified', title: 'API', message: 'y'.repeat(1000), footer, url: URL });
    expect(tweetLength(long)).to.equal(TWEET_MAX);
    expect(long.endsWith(`… ${footer} ${URL}`)).to.equal(true);
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import RssParser from 'rss-parser';
import { incidents, incidentUpdates, maintenances } from '../../../server/db/schema.js';
import { Client } from '../../support/client.js';
import { component } from '../../support/components.js';
import { staff } from '../../support/factories.js';
import { atomText, child, childrenNamed, htmlToText, strictXml, textOf, type XmlNode } from '../../support/feedReader.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };

// What one careless paste puts into a title or a message. Control characters arrive from rows
// written before input validation existed, so the test writes them straight into the database.
const TITLE = 'Release <v2.3> broke ]]> logins ]]> again & &amp; "quoted" \x1b[31mred\x1b[0m\fpage \uFFFE🚀';
const BODY = 'Upstream said <error 502>\n]]> then ]]> again, &amp; <b>not bold</b>\r\n\ttabbed line\x1b[0m\x0c end 🚀';
/** XML 1.0 forbids ESC, form feed and U+FFFE outright (even as character references): they go; everything else is kept. */
const readable = (s: string) => s.replace(/[\x1b\x0c\uFFFE]/g, '');
/** A reader normalizes CRLF in text the way XML does; our HTML breaks lines on either. */
const lines = (s: string) => readable(s).replace(/\r\n?/g, '\n');

describe('history feeds (RSS 2.0 and Atom) under hostile text', () => {
  let s: TestServer;
  let api: Client;
  const anon = () => new Client(s.baseUrl);
  const settle = async () => {
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
  };
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());

  let incidentUrl: string;
  let cancelledUrl: string;
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
    const inc = await api.post('/api/v1/incidents', { title: 'placeholder', severity: 2, message: 'placeholder' });
    expect(inc.status, inc.text).to.equal(201);
    const db = s.deps.database.db;
    await db.update(incidents).set({ title: TITLE }).where(eq(incidents.id, inc.body.id));
    await db.update(incidentUpdates).set({ body: BODY }).where(eq(incidentUpdates.incidentId, inc.body.id));
    incidentUrl = `${s.deps.config.publicUrl}/incidents/${inc.body.id}`;

    const comp = await component('Website');
    const m = await api.post('/api/v1/maintenances', { title: 'Move <db> & ]]> cache', body: 'Will be called off', components: [comp.id], ...SAT });
    expect(m.status, m.text).to.equal(201);
    const cancel = await api.post(`/api/v1/maintenances/${m.body.id}/cancel`, { reason: 'vendor delay' });
    expect(cancel.status, cancel.text).to.equal(200);
    cancelledUrl = `${s.deps.config.publicUrl}/maintenance/${m.body.id}`;
    await settle();
  });

  async function fetchFeed(path: string, type: string) {
    const res = await anon().get(path, { accept: '*/*' });
    expect(res.status, res.text).to.equal(200);
    expect(res.headers.get('content-type')).to.include(type);
    return res.text;
  }

  it('RSS is well-formed XML 1.0 and a reader gets the exact text back', async () => {
    const xml = await fetchFeed('/history.rss', 'application/rss+xml');
    const rss = strictXml(xml); // throws on a stray ]]> or a forbidden character
    const channel = child(rss, 'channel')!;
    expect(textOf(child(channel, 'language'))).to.match(/^en/);
    const items = childrenNamed(channel, 'item');
    const item = items.find((i) => textOf(child(i, 'link')) === incidentUrl)!;
    expect(item, 'incident item').to.exist;
    // RSS titles are plain text (RSS Best Practices Profile): no HTML reading.
    expect(textOf(child(item, 'title'))).to.equal(readable(TITLE));
    // description is HTML by convention: what the reader renders must be our text, with no markup of the staff's.
    const shown = htmlToText(textOf(child(item, 'description')));
    expect(shown.tags).to.deep.equal([]);
    expect(shown.text).to.include(lines(BODY));
    expect(textOf(child(item, 'guid'))).to.equal(incidentUrl);

    // An off-the-shelf reader agrees.
    const feed = await new RssParser().parseString(xml);
    const parsed = feed.items.find((i) => i.link === incidentUrl)!;
    expect(parsed.title).to.equal(readable(TITLE));
    expect(htmlToText(parsed.content!).text).to.include(lines(BODY));
  });

  it('Atom is well-formed, has authors and a language, and declares text as text', async () => {
    const xml = await fetchFeed('/history.atom', 'application/atom+xml');
    const feed = strictXml(xml);
    expect(feed.name).to.equal('feed');
    expect(feed.attrs.xmlns).to.equal('http://www.w3.org/2005/Atom');
    expect(feed.attrs['xml:lang']).to.match(/^en/);
    const entries = childrenNamed(feed, 'entry');
    expect(entries.length).to.be.greaterThan(0);
    // The W3C validator requires an author on every entry (or on the feed): we put one on each.
    for (const e of entries) expect(textOf(child(child(e, 'author')!, 'name')).trim(), 'entry author').not.to.equal('');
    for (const e of entries) {
      expect(textOf(child(e, 'id'))).to.match(/^https?:\/\//);
      expect(Number.isNaN(Date.parse(textOf(child(e, 'updated'))))).to.equal(false);
    }
    const entry = entries.find((e) => textOf(child(e, 'id')) === incidentUrl)!;
    expect(entry, 'incident entry').to.exist;
    const title = atomText(child(entry, 'title'));
    expect(title.text).to.equal(readable(TITLE));
    expect(title.tags).to.deep.equal([]);
    const content = atomText(child(entry, 'content'));
    expect(content.tags).to.deep.equal([]);
    expect(content.text).to.include(lines(BODY));

    const parsed = await new RssParser().parseString(xml);
    expect(parsed.items.some((i) => i.id === incidentUrl)).to.equal(true);
  });

  it('cancelled maintenance stays in both feeds, marked cancelled', async () => {
    const rss = strictXml(await fetchFeed('/history.rss', 'application/rss+xml'));
    const item = childrenNamed(child(rss, 'channel')!, 'item').find((i) => textOf(child(i, 'link')) === cancelledUrl);
    expect(item, 'cancelled maintenance in RSS').to.exist;
    expect(textOf(child(item!, 'title'))).to.equal('Maintenance cancelled: Move <db> & ]]> cache');
    expect(htmlToText(textOf(child(item!, 'description'))).text).to.match(/cancelled/i);

    const atom = strictXml(await fetchFeed('/history.atom', 'application/atom+xml'));
    const entry = childrenNamed(atom, 'entry').find((e: XmlNode) => textOf(child(e, 'id')) === cancelledUrl);
    expect(entry, 'cancelled maintenance in Atom').to.exist;
    expect(atomText(child(entry!, 'title')).text).to.equal('Maintenance cancelled: Move <db> & ]]> cache');
  });
});

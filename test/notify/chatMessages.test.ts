import { expect } from 'chai';
import { bodyFor, SLACK_TEXT_MAX, slackEscape, slackMessage, teamsMessage } from '../../server/notify/chatMessages.js';

const incident = (over: Record<string, unknown> = {}) => ({
  incident: {
    name: 'API errors',
    status: 'monitoring',
    impact: 'minor',
    shortlink: 'https://status.example.com/incidents/1?a=1&b=2',
    components: [{ name: 'API' }, { name: 'Web' }],
    incident_updates: [{ body: 'A fix is out.', status: 'monitoring', created_at: '2026-12-02T14:30:00.000Z' }],
    ...over,
  },
});

describe('chat message formatting (pure)', () => {
  it('escapes exactly the three Slack control characters', () => {
    expect(slackEscape('a & b < c > d * _ ~ |')).to.equal('a &amp; b &lt; c &gt; d * _ ~ |');
    expect(slackEscape('&amp;')).to.equal('&amp;amp;'); // text that looks escaped is still text
  });

  it('clips at the limit without leaving half an entity, whatever the cut point', () => {
    for (let pad = 0; pad < 6; pad++) {
      const msg = slackMessage('incident.updated', incident({ incident_updates: [{ body: 'x'.repeat(SLACK_TEXT_MAX - 8 + pad) + '&'.repeat(20), status: 'monitoring', created_at: null }] }));
      const text = (msg.blocks[1] as { text: { text: string } }).text.text;
      expect(text.length).to.be.at.most(SLACK_TEXT_MAX);
      expect(text).to.match(/^x+(&amp;)*…$/);
    }
  });

  it('Slack: status, impact, components, time and an escaped link', () => {
    const msg = slackMessage('incident.updated', incident());
    expect(msg.text).to.equal('Incident update: API errors (Monitoring)');
    expect(msg.blocks.map((b) => b.type)).to.deep.equal(['section', 'section', 'context']);
    const context = (msg.blocks[2] as { elements: Array<{ text: string }> }).elements[0]!.text;
    expect(context).to.equal('Affected: API, Web · Dec 2, 2026, 14:30 UTC (09:30 EST) · <https://status.example.com/incidents/1?a=1&amp;b=2|View on the status page>');
  });

  it('Teams: facts in Beacon’s words, the rest as plain text runs', () => {
    const card = teamsMessage('incident.resolved', incident({ status: 'resolved', impact: 'none' })).attachments[0]!.content as any;
    expect(card.body[0]).to.include({ type: 'TextBlock', text: 'Incident resolved' });
    expect(card.body[1]).to.deep.equal({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'API errors', size: 'Medium', weight: 'Bolder' }] });
    // `none` impact says nothing rather than "none".
    expect(card.body[2]).to.deep.equal({ type: 'FactSet', facts: [{ title: 'Status', value: 'Resolved' }] });
  });

  it('generic endpoints get the Beacon message itself', () => {
    const message = { id: 'k', type: 'incident.created', created_at: 'x', data: incident() };
    expect(bodyFor('generic', message)).to.equal(message);
  });
});

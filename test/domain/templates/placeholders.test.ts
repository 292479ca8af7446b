import { expect } from 'chai';
import { componentList, fillPlaceholders } from '../../../server/domain/templates/placeholders.js';

describe('template placeholders', () => {
  const values = { components: ['API', 'Web app'], time: 'Nov 29, 2026, 12:00 UTC (07:00 EST)' };

  it('fills {{components}} and {{time}}, with or without spaces inside the braces, every time they occur', () => {
    expect(fillPlaceholders('{{components}} down since {{ time }}; {{components}} again', values)).to.equal(
      'API and Web app down since Nov 29, 2026, 12:00 UTC (07:00 EST); API and Web app again',
    );
  });

  it('lists names readably, and says "our services" for none', () => {
    expect(componentList([])).to.equal('our services');
    expect(componentList(['A'])).to.equal('A');
    expect(componentList(['A', 'B', 'C'])).to.equal('A, B and C');
  });

  it('runs no template code: other braces, helpers and partials stay literally as written', () => {
    const text = '{{#each x}}{{this}}{{/each}} {{> partial}} {{{raw}}} {{constructor.constructor}} {{lookup . "a"}}';
    expect(fillPlaceholders(text, values)).to.equal(text);
  });

  it('inserts names literally, even ones that look like replacement patterns or placeholders', () => {
    expect(fillPlaceholders('{{components}}', { components: ["$& $' $1", '{{time}}'], time: 'T' })).to.equal("$& $' $1 and {{time}}");
  });
});

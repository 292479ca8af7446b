import { expect } from 'chai';
import { el, escapeAttr, escapeText, textAsHtml, xmlChars, xmlDocument } from '../../server/presenters/xml.js';
import { child, htmlToText, strictXml, textOf } from '../support/feedReader.js';

/** Every UTF-16 code unit, plus a proper surrogate pair, in one string. */
const everyCodeUnit = () => {
  let s = '';
  for (let c = 0; c <= 0xffff; c++) s += String.fromCharCode(c);
  return s + '🚀';
};

describe('xml writer for the feeds (strictly parsed back)', () => {
  it('text survives exactly, except the characters XML 1.0 cannot carry', () => {
    const all = everyCodeUnit();
    const doc = xmlDocument(el('root', {}, el('t', {}, all)));
    const back = textOf(child(strictXml(doc), 't'));
    expect(back).to.equal(xmlChars(all));
    // What went: C0 controls but tab/LF/CR, U+FFFE/U+FFFF and the unpaired surrogates (in code
    // unit order U+DBFF U+DC00 happen to form a valid pair, so 2046 of the 2048 go).
    expect(all.length - back.length).to.equal(29 + 2 + 2046);
    expect(back).to.include('\t\n\r').and.include('🚀').and.include('\u0085').and.include('\ufffd');
  });

  it('attributes survive exactly, quotes, tabs and line breaks included', () => {
    const value = `a "b" 'c' <d> & e\tf\ng\r\nh \x1b\x0c`;
    const root = strictXml(xmlDocument(el('root', { v: value, skip: undefined })));
    expect(root.attrs).to.deep.equal({ v: `a "b" 'c' <d> & e\tf\ng\r\nh ` });
  });

  it('no paste becomes markup: ]]> any number of times, tags, entities, comments, processing instructions', () => {
    const hostile = ']]> ]]>]]> </t><x/> &amp; &lt; <!-- c --> <?pi x?> <![CDATA[ y ]]> &#0; &unknown;';
    const root = strictXml(xmlDocument(el('root', {}, el('t', {}, hostile), 'tail')));
    expect(textOf(child(root, 't'))).to.equal(hostile);
    expect(root.children.at(-1)).to.equal('tail');
    expect(escapeText(hostile)).not.to.match(/[<>]/);
    expect(escapeAttr(hostile)).not.to.match(/[<>"']/);
  });

  it('refuses names that are not XML names (a programming error, never data)', () => {
    expect(() => el('a b')).to.throw(/not an XML name/);
    expect(() => el('a', { 'x="1" y': 'v' })).to.throw(/not an XML name/);
    expect(el('atom:link', { 'xml:lang': 'en' }).xml).to.equal('<atom:link xml:lang="en"/>');
  });

  it('textAsHtml: a reader shows exactly the text, with its line breaks', () => {
    const text = 'x <error 502> <v2.3> &amp; "q" \'s\'\r\nnext\rthird\n\x1b';
    const shown = htmlToText(textAsHtml(text));
    expect(shown.tags).to.deep.equal([]);
    expect(shown.text).to.equal('x <error 502> <v2.3> &amp; "q" \'s\'\nnext\nthird\n');
  });
});

import { Parser as HtmlParser } from 'htmlparser2';
import { SaxesParser } from 'saxes';

/**
 * How a strict, careful feed reader sees our XML: saxes is a conformant XML 1.0 parser (it refuses
 * malformed markup and the characters XML forbids, which lenient readers silently mangle), and
 * htmlparser2 renders an HTML text construct the way a reader would display it.
 */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlNode | string>;
}

/** Parses strictly; throws on the first well-formedness error (forbidden character, stray `]]>`, bad nesting). */
export function strictXml(text: string): XmlNode {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlNode[] = [{ name: '#document', attrs: {}, children: [] }];
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, attrs: Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)])), children: [] };
    stack.at(-1)!.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => stack.at(-1)!.children.push(t));
  parser.on('cdata', (t) => stack.at(-1)!.children.push(t));
  parser.write(text).close();
  const root = stack[0]!.children.find((c): c is XmlNode => typeof c !== 'string');
  if (!root) throw new Error('no root element');
  return root;
}

export const childrenNamed = (n: XmlNode, name: string) => n.children.filter((c): c is XmlNode => typeof c !== 'string' && c.name === name);
export const child = (n: XmlNode, name: string) => childrenNamed(n, name)[0];
export const textOf = (n: XmlNode | undefined): string => (n ? n.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('') : '');

/** What a reader displays for HTML: text with entities decoded, `<br>` as a line break; other tags listed. */
export function htmlToText(html: string): { text: string; tags: string[] } {
  let text = '';
  const tags: string[] = [];
  const p = new HtmlParser(
    {
      onopentag: (name) => {
        if (name === 'br') text += '\n';
        else tags.push(name);
      },
      ontext: (t) => (text += t),
    },
    { decodeEntities: true },
  );
  p.write(html);
  p.end();
  return { text, tags };
}

/** An Atom text construct (RFC 4287 §3.1) as a reader shows it: `text` as is, `html` rendered. */
export function atomText(n: XmlNode | undefined): { type: string; text: string; tags: string[] } {
  const type = n?.attrs.type ?? 'text';
  const raw = textOf(n);
  if (type === 'html') return { type, ...htmlToText(raw) };
  return { type, text: raw, tags: [] };
}

// A small XML writer for the feeds: every string is escaped as text on the way in, so stored text
// can never become markup (no CDATA, whose `]]>` terminator a paste can contain), and characters
// XML 1.0 cannot carry at all (not even as references) are dropped.

/**
 * Not an XML 1.0 Char (§2.2): C0 controls other than tab, LF and CR; U+FFFE and U+FFFF; and
 * surrogates that are not part of a pair (they cannot be encoded in UTF-8).
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const xmlChars = (s: string): string => s.replace(NOT_XML_CHAR, '');

// Hexadecimal references for & < > (the RSS Best Practices Profile's advice for plain text, read
// the same by every reader); CR as a reference so a parser does not fold it into LF.
const TEXT_REF: Record<string, string> = { '&': '&#x26;', '<': '&#x3C;', '>': '&#x3E;', '\r': '&#xD;' };
const ATTR_REF: Record<string, string> = { ...TEXT_REF, '"': '&#x22;', "'": '&#x27;', '\t': '&#x9;', '\n': '&#xA;' };

export const escapeText = (s: string): string => xmlChars(s).replace(/[&<>\r]/g, (c) => TEXT_REF[c]!);
export const escapeAttr = (s: string): string => xmlChars(s).replace(/[&<>\r"'\t\n]/g, (c) => ATTR_REF[c]!);

/** Serialized XML; only el() makes one, so a plain string is always treated as text. */
export interface Xml {
  readonly xml: string;
}

const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;

/** An element; string children are text, `undefined` attributes and children are left out. */
export function el(name: string, attrs: Record<string, string | undefined> = {}, ...children: Array<Xml | string | undefined>): Xml {
  if (!NAME.test(name)) throw new Error(`not an XML name: ${name}`);
  let open = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (!NAME.test(k)) throw new Error(`not an XML name: ${k}`);
    if (v !== undefined) open += ` ${k}="${escapeAttr(v)}"`;
  }
  const body = children.map((c) => (c === undefined ? '' : typeof c === 'string' ? escapeText(c) : c.xml)).join('');
  return { xml: body ? `${open}>${body}</${name}>` : `${open}/>` };
}

export const xmlDocument = (root: Xml): string => `<?xml version="1.0" encoding="utf-8"?>\n${root.xml}\n`;

const HTML_REF: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML (for RSS description and Atom `type="html"`): escaped, line breaks kept as `<br>`. */
export function textAsHtml(s: string): string {
  const html = xmlChars(s).replace(/[&<>"']/g, (c) => HTML_REF[c]!);
  return html.replace(/\r\n?|\n/g, '<br>');
}

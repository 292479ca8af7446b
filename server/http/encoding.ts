/** The content codings Beacon precomputes, in order of preference when the client rates them equally. */
export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * Picks br, gzip or identity from an Accept-Encoding header (RFC 9110 §12.5.3), pure and allocation-light.
 * - No header (or an empty one): identity — what a client that never asked for compression can read.
 * - q=0 refuses a coding; `*` rates every coding not named; names are case-insensitive; `x-gzip` is gzip.
 * - identity is acceptable unless `identity;q=0` (or `*;q=0` without an identity entry); when not named,
 *   it ranks with the lowest quality the header uses (as the `negotiator` package does), so
 *   `br;q=0.5, gzip;q=0.8` means gzip, not identity.
 * - Ties prefer br, then gzip, then identity. If nothing is acceptable, identity is sent anyway.
 */
export function negotiateEncoding(header: string | string[] | undefined): Encoding {
  if (Array.isArray(header)) header = header.join(',');
  if (!header) return 'identity';
  let br: number | undefined;
  let gzip: number | undefined;
  let identity: number | undefined;
  let star: number | undefined;
  let minQ = 1;
  for (const part of header.split(',')) {
    const semi = part.indexOf(';');
    const name = (semi < 0 ? part : part.slice(0, semi)).trim().toLowerCase();
    if (!name) continue;
    const q = semi < 0 ? 1 : parseQ(part.slice(semi + 1));
    if (q === null) continue; // malformed parameters: ignore the entry
    if (q > 0) minQ = Math.min(minQ, q);
    if (name === 'br') br = max(br, q);
    else if (name === 'gzip' || name === 'x-gzip') gzip = max(gzip, q);
    else if (name === 'identity') identity = max(identity, q);
    else if (name === '*') star = max(star, q);
  }
  const qBr = br ?? star ?? 0;
  const qGzip = gzip ?? star ?? 0;
  const qIdentity = identity ?? star ?? minQ;
  if (qBr > 0 && qBr >= qGzip && qBr >= qIdentity) return 'br';
  if (qGzip > 0 && qGzip >= qIdentity) return 'gzip';
  return 'identity';
}

function max(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.max(a, b);
}

/** The q parameter of one entry: 1 when absent, null when malformed (RFC: 0 to 1, up to 3 decimals). */
function parseQ(params: string): number | null {
  for (const p of params.split(';')) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'q') continue;
    const v = p.slice(eq + 1).trim();
    if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v)) return null;
    return Number(v);
  }
  return 1;
}

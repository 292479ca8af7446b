import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { ruleBroken } from '../errors.js';

/**
 * Why an IP address may not receive webhooks — its ipaddr.js range name (`loopback`, `private`,
 * `linkLocal`, `uniqueLocal`, `carrierGradeNat`, `multicast`, `unspecified`, `reserved`, `6to4` …) —
 * or null for a public unicast address. Allow-list, not deny-list: anything not plainly public is
 * refused, including the IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo) and the cloud
 * metadata addresses (169.254.169.254 is link-local, fd00:ec2::254 unique-local, 100.100.100.200 CGNAT).
 */
export function forbiddenRange(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return 'unparseable';
  }
  // ::ffff:a.b.c.d reaches a.b.c.d: judge the IPv4 address it carries.
  if (ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress()) ip = ip.toIPv4Address();
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

/**
 * The IP literal in a URL's host, or null when the host is a name. WHATWG URL parsing has already
 * normalised every IPv4 spelling (`127.1`, `0x7f000001`, `2130706433`, `0177.0.0.1`) to dotted
 * decimal and every IPv6 one to its compressed form in brackets, so only two shapes remain.
 */
export function ipLiteralOf(url: URL): string | null {
  const host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) return host.slice(1, -1);
  return net.isIPv4(host) ? host : null;
}

export const TARGET_NOT_ALLOWED = 'webhook_target_not_allowed';

/** Refuses a URL whose host is an IP literal outside public unicast (names are checked on their resolved address at send time). */
export function assertPublicTarget(url: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const literal = ipLiteralOf(new URL(url));
  const range = literal ? forbiddenRange(literal) : null;
  if (!range) return;
  const message = `url points to a non-public address (${range}); webhooks may only reach public addresses unless WEBHOOK_ALLOW_PRIVATE=true`;
  throw ruleBroken(TARGET_NOT_ALLOWED, message, { fields: [{ field: 'url', message }] });
}

import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/**
 * The key a client is limited by: req.ip (which honours X-Forwarded-For only under TRUST_PROXY),
 * with IPv4-mapped IPv6 written as IPv4 and any other IPv6 address reduced to its /64 — one
 * subscriber line usually holds a whole /64, so per-address limits on single IPv6 addresses would
 * hand an attacker 2^64 fresh addresses.
 */
export function clientAddress(req: Request): string {
  const raw = req.ip ?? req.socket.remoteAddress ?? '';
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(raw);
  } catch {
    return raw;
  }
  if (ip instanceof ipaddr.IPv4) return ip.toString();
  const prefix = ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`);
  return `${prefix.toString()}/64`;
}

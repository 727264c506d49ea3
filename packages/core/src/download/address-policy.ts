import ipaddr from 'ipaddr.js';

const blockedRanges = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'uniqueLocal',
  'ipv4Mapped',
  'rfc6145',
  'rfc6052',
  '6to4',
  'teredo',
]);

/** True for loopback, private, link-local and other non-public addresses (IPv4 and IPv6). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return blockedRanges.has(parsed.range());
}

/** True for a host name that names this machine or a private address literal. */
export function isPrivateHostName(hostname: string): boolean {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  return isPrivateAddress(lower);
}

/**
 * Whether a host or address is on a caller's allow-list of private addresses. Entries are host
 * names (`localhost`), addresses (`127.0.0.1`, `::1`) or CIDR ranges (`10.0.0.0/8`).
 */
export function isAllowedPrivate(host: string, allowList: readonly string[] | undefined): boolean {
  if (!allowList || allowList.length === 0) return false;
  const bare = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const address = ipaddr.isValid(bare) ? ipaddr.process(bare) : undefined;
  return allowList.some((entry) => {
    const wanted = entry.toLowerCase().replace(/^\[|\]$/g, '');
    if (wanted === bare) return true;
    if (!address) return false;
    if (wanted.includes('/') && ipaddr.isValidCIDR(wanted)) {
      const [range, bits] = ipaddr.parseCIDR(wanted);
      return range.kind() === address.kind() && address.match(range, bits);
    }
    return ipaddr.isValid(wanted) && ipaddr.process(wanted).toString() === address.toString();
  });
}

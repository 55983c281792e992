import ipaddr from 'ipaddr.js';
import { EndpointRefusedError } from '../errors.js';

/** Who may be reached at a peer's endpoint. */
export interface EndpointPolicy {
  /**
   * Also reach loopback, private (RFC 1918), unique-local and carrier-grade
   * NAT addresses: for a network on one machine or a LAN (the demo, local
   * development). Off by default: a public subnet's miners are on the internet.
   * Link-local (the cloud metadata service), unspecified, multicast and
   * reserved addresses stay refused either way.
   */
  allowPrivate?: boolean;
}

/** The ranges {@link EndpointPolicy.allowPrivate} opens; ipaddr.js's names. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Why `address` (an IP literal) must not be reached, or `undefined` when it
 * may. Only a plain unicast address passes without `allowPrivate`; an
 * IPv4-mapped IPv6 address is judged as the IPv4 address it maps, and NAT64,
 * 6to4 and Teredo forms (which embed an IPv4 address) are refused outright.
 */
export function addressRefusal(address: string, policy: EndpointPolicy = {}): string | undefined {
  const literal = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(literal)) return 'is not an IP address';
  // ipaddr.js also reads forms like "127.1" or "0x7f.1"; only the plain spelling is an address here.
  if (!ipaddr.IPv6.isValid(literal) && !ipaddr.IPv4.isValidFourPartDecimal(literal))
    return 'is not a plain dotted-decimal IPv4 address';
  const range = ipaddr.process(literal).range();
  if (range === 'unicast') return undefined;
  if (policy.allowPrivate === true && PRIVATE_RANGES.has(range)) return undefined;
  return PRIVATE_RANGES.has(range)
    ? `is a ${range} address, which only a local network may use (allow private endpoints for one)`
    : `is a ${range} address, which is never a peer's`;
}

/**
 * Checks an endpoint URL's host and port before anything is sent to it or
 * stored: an IP literal must pass {@link addressRefusal}, and port 0 is
 * refused. A host name passes here; a client must then check every address
 * it resolves to when it connects (`@mt/wire` does), so DNS rebinding gains
 * nothing.
 *
 * @returns whether the host is a name (`true`) that still needs that check.
 * @throws EndpointRefusedError saying why.
 */
export function checkEndpointHost(url: URL, policy: EndpointPolicy = {}): { isName: boolean } {
  if (url.port === '0')
    throw new EndpointRefusedError(url.origin, 'port 0 is not a port to serve on');
  // The URL parser already spells every numeric host ("127.1", "0x7f.1") as dotted decimal.
  const host = url.hostname;
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(literal)) return { isName: true };
  const refusal = addressRefusal(literal, policy);
  if (refusal) throw new EndpointRefusedError(url.origin, `${literal} ${refusal}`);
  return { isName: false };
}

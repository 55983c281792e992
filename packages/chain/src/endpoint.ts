import { checkEndpointHost, type EndpointPolicy, EndpointRefusedError } from '@mt/protocol';
import { ChainRejectedError } from './errors.js';

/** Longest endpoint URL accepted. */
export const ENDPOINT_MAX_LENGTH = 256;

/**
 * Checks a miner's endpoint before it is signed or stored: `http://` or
 * `https://`, an IP address (a chain stores an address, not a name that a
 * DNS server could point anywhere later), a port other than 0, no
 * credentials, path, query or fragment, and an address the policy allows
 * (never link-local, such as the cloud metadata service; loopback and
 * private ranges only with `allowPrivate`). A `javascript:` or `file:` URL
 * never reaches a validator's fetch.
 *
 * @returns the URL's origin, the one spelling stored.
 * @throws ChainRejectedError saying what is wrong.
 */
export function checkEndpointUrl(url: string, policy: EndpointPolicy = {}): string {
  if (typeof url !== 'string' || url.length === 0 || url.length > ENDPOINT_MAX_LENGTH) {
    throw new ChainRejectedError('url', `must be 1–${ENDPOINT_MAX_LENGTH} characters`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ChainRejectedError('url', `${JSON.stringify(url.slice(0, 80))} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ChainRejectedError(
      'url',
      `uses ${parsed.protocol}; only http: and https: are served`,
    );
  }
  if (parsed.username || parsed.password)
    throw new ChainRejectedError('url', 'must not carry credentials');
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
    throw new ChainRejectedError(
      'url',
      'must be an origin (scheme://host:port), with no path, query or fragment',
    );
  }
  if (!parsed.port) throw new ChainRejectedError('url', 'must name its port');
  if (parsed.origin !== url.replace(/\/$/, '')) {
    throw new ChainRejectedError('url', `is not in its plain form; give ${parsed.origin}`);
  }
  try {
    if (checkEndpointHost(parsed, policy).isName)
      throw new ChainRejectedError('url', 'must be an IP address, not a host name');
  } catch (error) {
    if (EndpointRefusedError.isInstance(error)) throw new ChainRejectedError('url', error.message);
    throw error;
  }
  return parsed.origin;
}

/**
 * A stored endpoint as a validator may use it: the URL when the policy
 * allows its address, `''` (not served) when it does not. Applied to every
 * endpoint read from a chain, whose own rules may be looser than this
 * process's (subtensor stores any IPv4 but 127.0.0.1).
 */
export function servedEndpoint(url: string, policy: EndpointPolicy): string {
  if (url === '') return '';
  try {
    return checkEndpointUrl(url, policy);
  } catch (error) {
    if (ChainRejectedError.isInstance(error)) return '';
    throw error;
  }
}

/** An endpoint as subtensor's `serve_axon` takes it: IPv4 as a u128, ip_type 4, and the port. */
export interface AxonAddress {
  ip: bigint;
  ipType: 4 | 6;
  port: number;
  /** Bittensor's axon protocol number; 4 is HTTP. */
  protocol: number;
}

/**
 * A URL as an axon address, and back. Only `http://IPv4:port` fits an axon
 * (subtensor stores an IP, not a name), so a host name or https is refused.
 */
export function axonOfUrl(url: string, policy: EndpointPolicy = {}): AxonAddress {
  const origin = checkEndpointUrl(url, policy);
  const { hostname, port, protocol } = new URL(origin);
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  if (protocol !== 'http:' || !octets) {
    throw new ChainRejectedError(
      'url',
      'must be http://IPv4:port on subtensor, whose axons hold an IP',
    );
  }
  const ip = octets.slice(1).reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  return { ip, ipType: 4, port: Number(port), protocol: 4 };
}

/** The URL of an axon subtensor stores; `''` for an axon never served. */
export function urlOfAxon(axon: { ip: bigint; ipType: number; port: number }): string {
  if (axon.ip === 0n || axon.ipType !== 4) return '';
  const parts = [24n, 16n, 8n, 0n].map((shift) => Number((axon.ip >> shift) & 255n));
  return `http://${parts.join('.')}:${axon.port}`;
}

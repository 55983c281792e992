import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ArtifactHashMismatchError, InvalidZkmlInputError } from '../errors.js';

/**
 * SHA-256 of `bytes` (a string as its UTF-8) as lower-case hex. By
 * @noble/hashes, not Web Crypto: `crypto.subtle` exists only in secure
 * contexts, and a dashboard behind a proxy on plain HTTP is not one.
 */
export function sha256Hex(bytes: Uint8Array | string): string {
  return bytesToHex(sha256(typeof bytes === 'string' ? utf8ToBytes(bytes) : bytes));
}

/** Options of {@link fetchPinned}. */
export interface FetchPinnedOptions {
  /** The `fetch` to use; default the global one. */
  fetch?: typeof globalThis.fetch;
  /** Refused past this many bytes, before they are all read. Default 64 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Fetches a file whose SHA-256 was published beside it (a verification key,
 * a model) and returns its bytes only if they hash to `sha256`, so a page
 * never verifies against a key or runs a model it was not told to trust.
 *
 * @throws ArtifactHashMismatchError when the bytes hash to anything else.
 * @throws InvalidZkmlInputError when `sha256` is not 64 hex digits, the
 *   answer is not 200, or it is larger than `maxBytes`.
 */
export async function fetchPinned(
  url: string,
  sha256: string,
  options: FetchPinnedOptions = {},
): Promise<Uint8Array> {
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new InvalidZkmlInputError('sha256', 'must be 64 lower-case hex digits');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const response = await (options.fetch ?? globalThis.fetch)(url);
  if (!response.ok) throw new InvalidZkmlInputError(url, `answered ${response.status}`);
  const bytes = await readAtMost(response, maxBytes, url);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new ArtifactHashMismatchError(url, sha256, actual);
  return bytes;
}

/** The body of `response`, cancelled as soon as it passes `maxBytes`. */
async function readAtMost(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const tooLarge = () =>
    new InvalidZkmlInputError(url, `is larger than the ${maxBytes} bytes allowed`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    length += read.value.length;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

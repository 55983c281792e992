import { ed25519 } from '@noble/curves/ed25519.js';

/**
 * Why a 32-byte ed25519 public key must not be trusted, or undefined when it
 * may. Refused: encodings that are not canonical (y ≥ p, or the sign bit set
 * on x = 0), points not on the curve, and keys of small order or with a
 * small-order component. For a small-order key, signatures that verify can be
 * made without any secret (anyone can "sign" for it); a key from a real secret
 * is always in the prime-order subgroup, so honest keys never fail this.
 */
export function weakKeyReason(publicKey: Uint8Array): string | undefined {
  let point: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    // zip215 = false: only the canonical encoding of a point is accepted.
    point = ed25519.Point.fromBytes(publicKey, false);
  } catch {
    return 'it is not the canonical encoding of a point on ed25519';
  }
  if (point.isSmallOrder()) return 'it is a small-order point, for which anyone can sign';
  if (!point.isTorsionFree()) return 'it has a small-order component, which no real key has';
  return undefined;
}

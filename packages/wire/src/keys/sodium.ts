import { loadPeer } from '@mt/protocol';

/** The part of `sodium-native` this package uses. */
export interface Sodium {
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
}

/**
 * Loads `sodium-native` (an optional peer).
 *
 * @throws MissingPeerError, with the install line, when it is not installed.
 */
export async function loadSodium(): Promise<Sodium> {
  const module = (await loadPeer({
    name: 'sodium-native',
    range: '^5.1.0',
    feature: 'SignerPool (libsodium on worker threads)',
    // A variable specifier: sodium-native ships no types, and bundlers must
    // not try to include a native addon.
    load: () => import(SODIUM),
  })) as { default?: Sodium } & Sodium;
  return module.default ?? module;
}

const SODIUM = 'sodium-native';

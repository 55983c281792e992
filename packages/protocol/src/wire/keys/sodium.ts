import { MtError } from '../../errors.js';

/** The part of `sodium-native` this package uses. */
export interface Sodium {
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
}

/** `sodium-native` is needed and is not installed. */
export class SodiumMissingError extends MtError {
  static readonly code = 'MT_WIRE_SODIUM_MISSING';
  static override readonly isInstance = (error: unknown): error is SodiumMissingError =>
    MtError.isInstance(error) && error.code === SodiumMissingError.code;

  constructor(cause: unknown) {
    super(
      SodiumMissingError.code,
      "the signer pool signs and verifies with libsodium: install it with 'npm install sodium-native'",
      { cause },
    );
  }
}

/** Loads `sodium-native` (an optional peer), or throws {@link SodiumMissingError}. */
export async function loadSodium(): Promise<Sodium> {
  try {
    const name = 'sodium-native';
    const module = (await import(name)) as { default?: Sodium } & Sodium;
    return module.default ?? module;
  } catch (error) {
    throw new SodiumMissingError(error);
  }
}

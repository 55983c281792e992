import { errorFamily, isMtErrorWithCode, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/chain` starts with. */
export const CHAIN_ERROR_PREFIX = 'MT_CHAIN_';

const family = errorFamily(CHAIN_ERROR_PREFIX, { invalidInput: 'REJECTED' });

/** Base class of every error `@mt/chain` throws on purpose. */
export class ChainError extends family.Error {}

/**
 * An argument was refused before anything was sent or signed (a URL that is
 * not http(s), an amount beyond u64, a weight that is not a u16); nothing
 * changed.
 */
export class ChainRejectedError extends family.InvalidInput {}

/**
 * The chain ran the call and it failed there: the chain's own error name is
 * `chainError` (subtensor's `TooManyRegistrationsThisInterval`,
 * `NotEnoughBalanceToStake`, ...; `LocalChain` uses the same names for the
 * same failures). Nothing the call would have changed was changed.
 */
export class ChainCallFailedError extends ChainError {
  static readonly code = 'MT_CHAIN_CALL_FAILED';
  static override readonly isInstance = isMtErrorWithCode<ChainCallFailedError>(
    ChainCallFailedError.code,
  );

  /** The pallet and call, e.g. `subtensorModule.burnedRegister`. */
  readonly call: string;
  /** The chain's error name, e.g. `HotKeyAlreadyRegisteredInSubNet`. */
  readonly chainError: string;

  constructor(call: string, chainError: string, detail?: string, options?: MtErrorOptions) {
    super(
      ChainCallFailedError.code,
      `${call} failed on chain: ${chainError}${detail ? ` (${detail})` : ''}`,
      options,
    );
    this.call = call;
    this.chainError = chainError;
  }
}

/**
 * A signed call whose signature, signer or nonce does not hold: forged,
 * replayed, or signed for another chain. Refused before it was read further.
 */
export class ChainSignatureError extends ChainError {
  static readonly code = 'MT_CHAIN_BAD_SIGNATURE';
  static override readonly isInstance = isMtErrorWithCode<ChainSignatureError>(
    ChainSignatureError.code,
  );

  constructor(problem: string) {
    super(ChainSignatureError.code, `Signed call refused: ${problem}`);
  }
}

/** The node could not be reached, or stopped answering, after every retry. */
export class ChainUnreachableError extends ChainError {
  static readonly code = 'MT_CHAIN_UNREACHABLE';
  static override readonly isInstance = isMtErrorWithCode<ChainUnreachableError>(
    ChainUnreachableError.code,
  );

  readonly url: string;

  constructor(url: string, problem: string, options?: MtErrorOptions) {
    super(
      ChainUnreachableError.code,
      `Chain node ${url} is unreachable: ${problem}. Check that the node runs and the URL (ws:// or wss://) is right.`,
      options,
    );
    this.url = url;
  }
}

/**
 * A chain node answered a request with a JSON-RPC error, or not within the
 * time a request has: `rpcCode` is the node's code, or `timeout`.
 */
export class ChainRpcError extends ChainError {
  static readonly code = 'MT_CHAIN_RPC';
  static override readonly isInstance = isMtErrorWithCode<ChainRpcError>(ChainRpcError.code);

  /** The RPC method, e.g. `state_getStorage`. */
  readonly method: string;
  /** The node's JSON-RPC error code, or `timeout` when it did not answer in time. */
  readonly rpcCode: number | 'timeout';
  /** What the node said (its message and data, cut to 300 characters), or why there was no answer. */
  readonly rpcMessage: string;

  constructor(method: string, rpcCode: number | 'timeout', rpcMessage: string) {
    super(ChainRpcError.code, `Chain node refused ${method}: ${rpcCode}: ${rpcMessage}`);
    this.method = method;
    this.rpcCode = rpcCode;
    this.rpcMessage = rpcMessage;
  }
}

/**
 * The runtime lacks a call or storage item this client needs, or it has a
 * shape this client cannot read: the node runs a runtime it does not support.
 */
export class ChainRuntimeError extends ChainError {
  static readonly code = 'MT_CHAIN_RUNTIME_UNSUPPORTED';
  static override readonly isInstance = isMtErrorWithCode<ChainRuntimeError>(
    ChainRuntimeError.code,
  );

  constructor(problem: string) {
    super(ChainRuntimeError.code, `Unsupported chain runtime: ${problem}`);
  }
}

/** A key file or keystore that cannot be read: missing, malformed, or the wrong passphrase. */
export class KeystoreError extends ChainError {
  static readonly code = 'MT_CHAIN_KEYSTORE';
  static override readonly isInstance = isMtErrorWithCode<KeystoreError>(KeystoreError.code);

  readonly path: string;

  constructor(path: string, problem: string, options?: MtErrorOptions) {
    super(KeystoreError.code, `Key file ${path}: ${problem}`, options);
    this.path = path;
  }
}

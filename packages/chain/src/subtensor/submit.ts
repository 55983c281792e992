import { describeCause, JsonParseError, parseJson, SchemaValidationError } from '@mt/protocol';
import type { ApiPromise, SubmittableResult } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { z } from 'zod';
import { ChainCallFailedError, ChainRpcError } from '../errors.js';
import type { ChainKeypair } from '../keys/keypair.js';
import type { SubmitOptions } from './options.js';

type EventRecord = SubmittableResult['events'][number];

/** A dispatch error as `@polkadot/api` decodes it. */
export type DispatchError = NonNullable<SubmittableResult['dispatchError']>;

/** The chain's error name for a failed dispatch: `TooManyRegistrationsThisInterval`, `BadOrigin`, ... */
export function dispatchErrorName(
  api: ApiPromise,
  error: DispatchError,
): { name: string; detail: string } {
  if (error.isModule) {
    const meta = api.registry.findMetaError(error.asModule);
    return { name: meta.name, detail: `${meta.section}: ${meta.docs.join(' ').trim()}` };
  }
  // Token and Arithmetic errors carry their kind (`Token.FundsUnavailable`), as the pool's do.
  const inner = (error as unknown as Record<string, { type?: string } | undefined>)[
    `as${error.type}`
  ];
  const name = typeof inner?.type === 'string' ? `${error.type}.${inner.type}` : error.type;
  return { name, detail: error.toString() };
}

/**
 * Signs, sends and follows transactions until their block: one at a time per
 * signer, with the nonce taken from the node's pool (`system_accountNextIndex`,
 * which counts transactions still waiting, where the runtime's nonce API does
 * not) and kept here between them. A transaction whose dispatch failed, or
 * whose `sudo` inner call failed, rejects with {@link ChainCallFailedError}
 * naming the chain's error.
 */
export class TransactionSubmitter {
  readonly #api: ApiPromise;
  readonly #timeoutMs: number;
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #nextNonce = new Map<string, number>();

  constructor(api: ApiPromise, options: SubmitOptions = {}) {
    this.#api = api;
    this.#timeoutMs = options.inclusionTimeoutMs ?? 120_000;
  }

  /** Submits `tx` signed by `key`; resolves with the block's events of this transaction once included. */
  submit(
    key: ChainKeypair,
    tx: SubmittableExtrinsic<'promise'>,
    label: string,
  ): Promise<EventRecord[]> {
    const previous = this.#queues.get(key.address) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#send(key, tx, label));
    this.#queues.set(key.address, run);
    void run
      .finally(() => {
        if (this.#queues.get(key.address) === run) this.#queues.delete(key.address);
      })
      .catch(() => undefined);
    return run;
  }

  async #nonce(address: string): Promise<number> {
    const pool = (await this.#api.rpc.system.accountNextIndex(address)).toNumber();
    return Math.max(pool, this.#nextNonce.get(address) ?? 0);
  }

  async #send(
    key: ChainKeypair,
    tx: SubmittableExtrinsic<'promise'>,
    label: string,
  ): Promise<EventRecord[]> {
    const nonce = await this.#nonce(key.address);
    const events = await new Promise<EventRecord[]>((resolve, reject) => {
      let unsubscribe: (() => void) | undefined;
      const timer = setTimeout(() => {
        unsubscribe?.();
        reject(
          new ChainCallFailedError(
            label,
            'NotIncluded',
            `not in a block within ${this.#timeoutMs} ms`,
          ),
        );
      }, this.#timeoutMs);
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        unsubscribe?.();
        outcome();
      };
      tx.signAndSend(key, { nonce }, (result) => {
        const { status } = result;
        if (status.isInvalid || status.isDropped || status.isUsurped) {
          settle(() =>
            reject(new ChainCallFailedError(label, `Transaction${status.type}`, `nonce ${nonce}`)),
          );
          return;
        }
        if (!status.isInBlock && !status.isFinalized) return;
        // In a block the nonce is spent, whether the call succeeded or not.
        this.#nextNonce.set(key.address, nonce + 1);
        if (result.dispatchError) {
          const { name, detail } = dispatchErrorName(this.#api, result.dispatchError);
          settle(() => reject(new ChainCallFailedError(label, name, detail)));
          return;
        }
        // `sudo` succeeds even when the call inside it fails; that outcome is in `Sudid`.
        for (const { event } of result.events) {
          if (this.#api.events.sudo?.Sudid?.is(event)) {
            const [outcome] = event.data as unknown as [{ isErr: boolean; asErr: DispatchError }];
            if (outcome.isErr) {
              const { name, detail } = dispatchErrorName(this.#api, outcome.asErr);
              settle(() => reject(new ChainCallFailedError(label, name, detail)));
              return;
            }
          }
        }
        settle(() => resolve(result.events));
      })
        .then((unsub) => {
          unsubscribe = unsub;
        })
        .catch((error: unknown) => {
          settle(() =>
            reject(
              new ChainCallFailedError(label, poolRefusalName(error), describeCause(error), {
                cause: error,
              }),
            ),
          );
        });
    });
    return events;
  }
}

/**
 * The name of a refusal by the node's transaction pool, which runs the
 * runtime's signed extensions before any dispatch: `1010: {"invalid":{"custom":5}}`
 * becomes `InvalidTransaction.custom(5)`. Subtensor's extension refuses rate
 * limits this way with only a number, so the number is all there is to report.
 */
export function poolRefusalName(error: unknown): string {
  const said = ChainRpcError.isInstance(error)
    ? `${error.rpcCode}: ${error.rpcMessage}`
    : describeCause(error);
  const match = /^(1010|1011|1012): (?:[^{]*: )?(\{.*\})/.exec(said);
  if (!match) return 'TransactionRefused';
  try {
    const validity = parseJson(match[2] as string, validitySchema, { typeName: 'validity' });
    const [kind, detail] = Object.entries(validity)[0] ?? [];
    const outer =
      kind === 'invalid'
        ? 'InvalidTransaction'
        : kind === 'unknown'
          ? 'UnknownTransaction'
          : 'TransactionRefused';
    if (detail && typeof detail === 'object') {
      const [reason, value] = Object.entries(detail)[0] ?? [];
      return value === null || value === undefined
        ? `${outer}.${reason}`
        : `${outer}.${reason}(${JSON.stringify(value)})`;
    }
    return `${outer}.${String(detail)}`;
  } catch (error) {
    // The node's text is not the validity JSON a pool refusal carries: name no reason.
    if (JsonParseError.isInstance(error) || SchemaValidationError.isInstance(error))
      return 'TransactionRefused';
    throw error;
  }
}

/** A pool refusal's validity, as the node prints it: `{"invalid":{"custom":5}}` or `{"unknown":"…"}`. */
const validitySchema = z.record(
  z.string(),
  z.union([z.record(z.string(), z.unknown()), z.string()]),
);

import { loadPeer } from '@mt/protocol';
import type { ApiPromise } from '@polkadot/api';
import type { ApiOptions } from '@polkadot/api/types';
import { ChainUnreachableError } from '../errors.js';
import { GuardedWsProvider } from './guarded-provider.js';
import type { ConnectOptions } from './options.js';

type PolkadotApi = typeof import('@polkadot/api');

/** Loads `@polkadot/api`, an optional peer of `@mt/chain`, with the typed error that says what to install. */
export function loadPolkadotApi(): Promise<PolkadotApi> {
  return loadPeer({
    name: '@polkadot/api',
    range: '^16.5.0',
    feature: 'SubtensorChain (Bittensor subtensor nodes)',
    load: () => import('@polkadot/api'),
  });
}

/**
 * Connects to a subtensor node by WebSocket URL (`ws://127.0.0.1:9944`,
 * `wss://test.finney.opentensor.ai:443`), retrying every `retryMs` until it
 * answers or `connectTimeoutMs` passes. The node is a peer like any other:
 * its frames go through {@link GuardedWsProvider}, which bounds and checks
 * each one and reconnects rather than crash on a bad one. The provider
 * keeps reconnecting after a drop; calls made while it is down are retried
 * by the caller.
 *
 * @throws ChainUnreachableError when the node does not answer in time, or the URL is not ws(s).
 * @throws MissingPeerError when `@polkadot/api` is not installed.
 */
export async function connectSubtensor(
  url: string,
  options: ConnectOptions = {},
): Promise<ApiPromise> {
  if (!/^wss?:\/\/[^\s]+$/.test(url))
    throw new ChainUnreachableError(url, 'the URL must start ws:// or wss://');
  const { ApiPromise } = await loadPolkadotApi();
  const provider = await GuardedWsProvider.create(url, {
    retryMs: options.retryMs ?? 1_000,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const api = new ApiPromise({
    provider: provider as unknown as ApiOptions['provider'],
    noInitWarn: true,
  });
  api.on('error', () => undefined);
  const timeoutMs = options.connectTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      api.isReadyOrError,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new ChainUnreachableError(url, `no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return api;
  } catch (error) {
    await api.disconnect().catch(() => undefined);
    if (ChainUnreachableError.isInstance(error)) throw error;
    throw new ChainUnreachableError(url, 'the connection failed', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

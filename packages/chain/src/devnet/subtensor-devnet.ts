import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { requirePeer } from '@mt/protocol';
import type { WsProvider } from '@polkadot/api';
import { ChainError, ChainRejectedError, ChainUnreachableError } from '../errors.js';
import { canonicalAddress } from '../keys/keypair.js';
import { loadPolkadotApi } from '../subtensor/connect.js';

/**
 * The subtensor runtimes `@mt/chain-devnet-specs` holds (raw chain specs from
 * opentensor/subtensor, public domain), an optional peer: 2.8 MB that only a
 * devnet needs.
 */
export const DEVNET_RUNTIMES = {
  /** node-subtensor 218 (Jan 2025): the modern call API; its epochs are mocked (no Yuma). */
  spec218: 'spec218-raonet-2025-01-04.json',
  /** node-subtensor-dao 202 (Jun 2024): runs the real Yuma epoch and commit-reveal. */
  spec202: 'spec202-local-2024-06-05.json',
} as const;

/** A runtime shipped here, by name. */
export type DevnetRuntime = keyof typeof DEVNET_RUNTIMES;

/** Options of {@link startSubtensorDevnet}. */
export interface SubtensorDevnetOptions {
  /** Which runtime; default `spec202`. */
  runtime?: DevnetRuntime;
  /** A raw chain spec file instead of a shipped runtime. */
  genesisFile?: string;
  /** Loopback port; default a free one. */
  port?: number;
  /** `Instant` (a block per transaction, the default) or `Manual` (blocks only on {@link SubtensorDevnet.newBlocks}). */
  blockMode?: 'Instant' | 'Manual';
  /** How long start-up may take. Default 120 s (a cold wasm compile takes 4–10 s on 2 cores; more under load). */
  startTimeoutMs?: number;
}

/**
 * A subtensor runtime running in chopsticks on loopback, offline: Bittensor's
 * own chain code, from a chain spec, with real signature checks. Development
 * controls (`dev_*` RPCs) stand in for a block author and a faucet.
 */
export interface SubtensorDevnet {
  /** `ws://127.0.0.1:PORT`, for `SubtensorChain.connect`. */
  readonly url: string;
  readonly runtime: string;
  /** Builds `count` blocks and resolves at the new head. */
  newBlocks(count?: number): Promise<number>;
  /** How many transactions wait in the node's pool for a block. */
  pendingTransactions(): Promise<number>;
  /** Sets an account's free balance (development only: writes storage). */
  setBalance(address: string, rao: bigint): Promise<void>;
  /** Overrides storage as chopsticks' `dev_setStorage` takes it: `{ Pallet: { Item: value | [[keys, value]] } }`. */
  setStorage(values: Record<string, unknown>): Promise<void>;
  /** Makes `address` the sudo key. */
  setSudo(address: string): Promise<void>;
  /** Stops chopsticks. */
  stop(): Promise<void>;
}

function chopsticksCli(): string {
  return requirePeer({
    name: '@acala-network/chopsticks',
    range: '^1.5.0',
    feature: 'the local subtensor devnet (@mt/chain/devnet)',
    resolve: () => createRequire(import.meta.url).resolve('@acala-network/chopsticks/cli'),
  });
}

/** The file of a shipped runtime, from its package (with what to install when it is missing). */
function runtimeSpec(runtime: DevnetRuntime): string {
  return requirePeer({
    name: '@mt/chain-devnet-specs',
    range: '^0.1.0',
    feature: `the ${runtime} devnet runtime (@mt/chain/devnet)`,
    resolve: () =>
      createRequire(import.meta.url).resolve(`@mt/chain-devnet-specs/${DEVNET_RUNTIMES[runtime]}`),
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new ChainError('MT_CHAIN_DEVNET_PORT', 'the system gave no free loopback port')),
      );
    });
  });
}

/**
 * Starts chopsticks with a subtensor runtime and waits until it has built
 * its first block (once, a first build failed an Aura slot check and the head
 * stayed at #0; start-up checks the head moved).
 *
 * @example
 * ```ts
 * const devnet = await startSubtensorDevnet({ runtime: 'spec202' });
 * await devnet.setSudo(sudo.address);
 * const chain = await SubtensorChain.connect(devnet.url);
 * ```
 * @throws MissingPeerError when `@acala-network/chopsticks` is not installed,
 *   or `@mt/chain-devnet-specs` for a shipped runtime.
 * @throws ChainUnreachableError when it does not start in time.
 */
export async function startSubtensorDevnet(
  options: SubtensorDevnetOptions = {},
): Promise<SubtensorDevnet> {
  const cli = chopsticksCli();
  const runtime = options.runtime ?? 'spec202';
  if (!options.genesisFile && !(runtime in DEVNET_RUNTIMES)) {
    throw new ChainRejectedError(
      'runtime',
      `is ${runtime}; choose ${Object.keys(DEVNET_RUNTIMES).join(' or ')}`,
    );
  }
  const genesis = options.genesisFile ?? runtimeSpec(runtime);
  const port = options.port ?? (await freePort());
  const url = `ws://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      cli,
      '--genesis',
      genesis,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--build-block-mode',
      options.blockMode ?? 'Instant',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) =>
      reject(new ChainUnreachableError(url, `chopsticks exited (${code}): ${output.slice(-600)}`)),
    );
  });
  exited.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  };
  try {
    const provider = await Promise.race([
      connectProvider(url, options.startTimeoutMs ?? 120_000),
      exited,
    ]);
    const send = (method: string, params: unknown[]) => provider.send(method, params);
    const head = async () =>
      Number.parseInt(((await send('chain_getHeader', [])) as { number: string }).number, 16);
    if ((await head()) < 1) await send('dev_newBlock', [{ count: 1 }]);
    if ((await head()) < 1) throw new ChainUnreachableError(url, 'chopsticks built no first block');
    return {
      url,
      runtime: options.genesisFile ?? runtime,
      async newBlocks(count = 1) {
        const before = await head();
        await send('dev_newBlock', [{ count }]);
        const after = await head();
        if (after < before + count)
          throw new ChainUnreachableError(
            url,
            `asked for ${count} blocks, the head moved ${before} → ${after}`,
          );
        return after;
      },
      async pendingTransactions() {
        return ((await send('author_pendingExtrinsics', [])) as unknown[]).length;
      },
      async setBalance(address, rao) {
        await send('dev_setStorage', [
          {
            System: {
              Account: [
                [[canonicalAddress(address)], { providers: 1, data: { free: rao.toString() } }],
              ],
            },
          },
        ]);
      },
      async setStorage(values) {
        await send('dev_setStorage', [values]);
      },
      async setSudo(address) {
        await send('dev_setStorage', [{ Sudo: { Key: canonicalAddress(address) } }]);
      },
      async stop() {
        await provider.disconnect().catch(() => undefined);
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once something accepts TCP connections on `port`: no WebSocket is opened before (each failed one is logged). */
async function portOpen(port: number, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await sleep(250);
  }
  return false;
}

async function connectProvider(url: string, timeoutMs: number): Promise<WsProvider> {
  const { WsProvider } = await loadPolkadotApi();
  if (!(await portOpen(Number(new URL(url).port), Date.now() + timeoutMs))) {
    throw new ChainUnreachableError(url, `chopsticks did not start within ${timeoutMs} ms`);
  }
  const provider = new WsProvider(url, 500, {}, timeoutMs);
  provider.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      provider.isReady,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ChainUnreachableError(url, `chopsticks did not start within ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
      }),
    ]);
    return provider;
  } catch (error) {
    await provider.disconnect().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

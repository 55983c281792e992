import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EndpointPolicy, parseJson } from '@mt/protocol';
import Database from 'better-sqlite3';
import { checkAmount } from '../amount.js';
import type {
  BlockStreamOptions,
  ChainClient,
  Metagraph,
  PendingCommit,
  SubnetHyperparameters,
  SubnetInfo,
} from '../contract/chain-client.js';
import { checkEndpointUrl, servedEndpoint } from '../endpoint.js';
import { epochIndex, nextEpochBlock } from '../epoch-schedule.js';
import { ChainCallFailedError, ChainRejectedError, ChainSignatureError } from '../errors.js';
import {
  addressOf,
  type ChainKeypair,
  canonicalAddress,
  chainCryptoReady,
} from '../keys/keypair.js';
import type { WeightReveal } from '../weights/commit-hash.js';
import { checkU16Weights, type U16Weights } from '../weights/u16-weights.js';
import { DEFAULT_NETWORK, LocalRuntime, NEVER, paramsOf } from './local-runtime.js';
import { LOCAL_CHAIN_SCHEMA, storedU16EntriesSchema } from './local-schema.js';
import {
  type LocalCall,
  readSignedLocalCall,
  type SignedLocalCall,
  signLocalCall,
  verifySignedLocalCall,
} from './signed-call.js';
import { preparedStatements } from './statements.js';

/** What a new chain file starts with. */
export interface LocalChainGenesis {
  /** The sudo key's address: it alone sets balances and may set any subnet's hyperparameters. */
  sudo: string;
  /** Free balances at genesis, in rao. */
  balances?: ReadonlyArray<readonly [address: string, rao: bigint]>;
  /** Rao emitted per block, shared by the subnets. Default 1 TAO (1e9 rao), as Bittensor. */
  blockEmission?: bigint;
  /**
   * The least a new subnet locks from its creator's free balance, in rao
   * (each creation doubles the last lock, which decays back to this over 14
   * days of blocks). Default 1,000 TAO, subtensor's `NetworkMinLockCost`.
   */
  subnetLockCost?: bigint;
  /**
   * Blocks between two subnet creations on the chain. Default 7,200 (a day),
   * subtensor's `NetworkRateLimit`; 0 for a test network that makes several at once.
   */
  subnetRateLimitBlocks?: number;
}

/** Options of {@link LocalChain.open}. */
export interface LocalChainOptions {
  /** How often {@link LocalChain.blocks} reads the file for a new block. Default 200 ms. */
  pollMs?: number;
  /** How long a call waits for another process's write before it fails. Default 30 s. */
  busyTimeoutMs?: number;
  /**
   * Also accept endpoints on loopback, private and carrier-grade NAT
   * addresses, when publishing and when reading the metagraph: a network on
   * one machine or a LAN (the demo, a devnet). Off by default, so a miner
   * cannot aim validators at their own neighbours; an endpoint refused on
   * reading shows as `''` (not served). Link-local addresses (the cloud
   * metadata service), names and port 0 are refused either way.
   */
  allowPrivateEndpoints?: boolean;
}

/**
 * The embedded chain: one SQLite file that any number of processes share,
 * with every state-changing call signed by its key and verified before it
 * runs (no impersonation, no replay: a nonce per account; no stake from
 * nowhere: stake moves from a coldkey's free balance, which only genesis
 * and the sudo key create). Epochs run `@mt/scoring`'s Yuma, bit-exact with
 * subtensor's, on subtensor's schedule, and pay into stake.
 *
 * @example
 * ```ts
 * const chain = LocalChain.create('chain.sqlite', { sudo: sudo.address, balances: [[owner.address, 10n ** 12n]] });
 * const netuid = await chain.createSubnet(owner, ownerHotkey.address);
 * await chain.setHyperparameters(owner, netuid, { tempo: 10 });
 * chain.advanceBlocks(11); // runs the epoch
 * ```
 */
export class LocalChain implements ChainClient {
  readonly #db: Database.Database;
  readonly #sql: (sql: string) => Database.Statement;
  /** Calls waiting for the next write transaction (see `#call`). */
  readonly #queue: {
    key: ChainKeypair;
    call: LocalCall;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  readonly #runtime: LocalRuntime;
  readonly #genesis: string;
  readonly #options: Required<LocalChainOptions>;
  readonly #endpoints: EndpointPolicy;

  private constructor(db: Database.Database, options: LocalChainOptions) {
    this.#db = db;
    this.#sql = preparedStatements(db);
    this.#runtime = new LocalRuntime(db);
    this.#genesis = (
      db.prepare('SELECT genesis FROM chain WHERE id = 0').get() as { genesis: string }
    ).genesis;
    this.#options = {
      pollMs: options.pollMs ?? 200,
      busyTimeoutMs: options.busyTimeoutMs ?? 30_000,
      allowPrivateEndpoints: options.allowPrivateEndpoints ?? false,
    };
    this.#endpoints = { allowPrivate: this.#options.allowPrivateEndpoints };
  }

  static #connect(file: string, options: LocalChainOptions): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.min(options.busyTimeoutMs ?? 30_000, 5_000)}`);
    db.exec(LOCAL_CHAIN_SCHEMA);
    return db;
  }

  /**
   * Creates a chain in `file` (`:memory:` for a throwaway one).
   *
   * @throws ChainRejectedError when the file already holds a chain.
   */
  static create(
    file: string,
    genesis: LocalChainGenesis,
    options: LocalChainOptions = {},
  ): LocalChain {
    const db = LocalChain.#connect(file, options);
    const sudo = canonicalAddress(genesis.sudo, 'sudo');
    db.transaction(() => {
      if (db.prepare('SELECT 1 FROM chain').get()) {
        throw new ChainRejectedError('file', `${file} already holds a chain; open it instead`);
      }
      db.prepare(
        'INSERT INTO chain (id, genesis, sudo, block, block_emission) VALUES (0, ?, ?, 0, ?)',
      ).run(
        `0x${randomBytes(16).toString('hex')}`,
        sudo,
        checkAmount(genesis.blockEmission ?? 1_000_000_000n, 'blockEmission').toString(),
      );
      const rateLimit = genesis.subnetRateLimitBlocks ?? DEFAULT_NETWORK.rateLimitBlocks;
      if (!Number.isSafeInteger(rateLimit) || rateLimit < 0)
        throw new ChainRejectedError(
          'subnetRateLimitBlocks',
          'must be a whole number of blocks ≥ 0',
        );
      db.prepare(
        'INSERT INTO network (id, min_lock, last_lock, last_lock_block, rate_limit) VALUES (0, ?, 0, ?, ?)',
      ).run(
        checkAmount(genesis.subnetLockCost ?? DEFAULT_NETWORK.minLock, 'subnetLockCost').toString(),
        NEVER,
        rateLimit,
      );
      const insert = db.prepare('INSERT INTO accounts (address, free, nonce) VALUES (?, ?, 0)');
      for (const [address, rao] of genesis.balances ?? []) {
        insert.run(canonicalAddress(address, 'balances'), checkAmount(rao, 'balances').toString());
      }
    }).immediate();
    return new LocalChain(db, options);
  }

  /**
   * Opens the chain in `file`, which {@link LocalChain.create} made.
   *
   * @throws ChainRejectedError when the file holds no chain.
   */
  static open(file: string, options: LocalChainOptions = {}): LocalChain {
    const db = LocalChain.#connect(file, options);
    if (!db.prepare('SELECT 1 FROM chain').get()) {
      db.close();
      throw new ChainRejectedError(
        'file',
        `${file} holds no chain; create it with a genesis first`,
      );
    }
    return new LocalChain(db, options);
  }

  /** The chain's genesis id, which every signed call names. */
  get genesisId(): string {
    return this.#genesis;
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  /**
   * Runs a signed call from anywhere (another process, a peer): bounded,
   * parsed and its signature verified before anything else, then its nonce
   * checked and the call run in one transaction.
   *
   * @throws ChainSignatureError for a forged, replayed, malformed or foreign call.
   * @throws ChainCallFailedError when the chain refuses what it asks.
   */
  async submit(signed: unknown): Promise<void> {
    const call = await readSignedLocalCall(signed);
    this.#write(() => this.#apply(call));
  }

  /** Checks a verified call's chain and nonce, spends the nonce and runs the call; inside a write transaction. */
  #apply(call: SignedLocalCall): void {
    if (call.chain !== this.#genesis) {
      throw new ChainSignatureError(
        `the call is signed for chain ${call.chain}, not ${this.#genesis}`,
      );
    }
    const signer = canonicalAddress(call.signer, 'signer');
    const expected = this.#nonce(signer);
    if (call.nonce !== expected) {
      throw new ChainSignatureError(
        call.nonce < expected
          ? `nonce ${call.nonce} of ${signer} was used already (a replay); the next is ${expected}`
          : `nonce ${call.nonce} of ${signer} is ahead of the next, ${expected}`,
      );
    }
    this.#sql(
      `INSERT INTO accounts (address, free, nonce) VALUES (?, '0', 1)
         ON CONFLICT (address) DO UPDATE SET nonce = nonce + 1`,
    ).run(signer);
    this.#runtime.apply(signer, call.call);
  }

  /** Signs `call` with `key` at the account's next nonce, ready for {@link LocalChain.submit} here or elsewhere. */
  sign(key: ChainKeypair, call: LocalCall): SignedLocalCall {
    return signLocalCall(key, this.#genesis, this.#nonce(canonicalAddress(addressOf(key))), call);
  }

  /**
   * Signs at the nonce read in the same write transaction, verifies and runs:
   * no other process can take the nonce in between, so one key used by
   * several processes at once never races. Calls that arrive together (in
   * the same turn of the event loop) share one write transaction, each in a
   * savepoint of its own: a refused call is rolled back and rejected alone,
   * and the others pay for one commit between them.
   */
  async #call(key: ChainKeypair, call: LocalCall): Promise<void> {
    await chainCryptoReady();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ key, call, resolve, reject });
      if (this.#queue.length === 1) queueMicrotask(() => this.#flush());
    });
  }

  /** Runs every queued call in one write transaction, and settles each by its own outcome. */
  #flush(): void {
    const batch = this.#queue.splice(0);
    const failures = new Map<number, unknown>();
    try {
      this.#write(() => {
        failures.clear(); // a write retried after SQLITE_BUSY runs the whole batch again
        batch.forEach(({ key, call }, i) => {
          try {
            this.#db.transaction(() => {
              const signed = this.sign(key, call);
              verifySignedLocalCall(signed);
              this.#apply(signed);
            })();
          } catch (error) {
            failures.set(i, error);
          }
        });
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      if (failures.has(i)) reject(failures.get(i));
      else resolve();
    });
  }

  #nonce(address: string): number {
    const row = this.#sql('SELECT nonce FROM accounts WHERE address = ?').get(address) as
      | { nonce: number }
      | undefined;
    return row?.nonce ?? 0;
  }

  /**
   * Runs `work` in an immediate transaction. SQLite's busy timeout waits for
   * another process's write; past it, the write is retried with backoff
   * until `busyTimeoutMs`, so a busy file never reaches a caller as
   * `SQLITE_BUSY` unless it stays busy that long.
   */
  #write<T>(work: () => T): T {
    const started = Date.now();
    for (;;) {
      try {
        return this.#db.transaction(work).immediate();
      } catch (error) {
        const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
        if (!busy || Date.now() - started > this.#options.busyTimeoutMs) throw error;
      }
    }
  }

  /**
   * Produces `count` blocks (the chain operator's, unsigned, as a block
   * author's), running each epoch that comes due. Returns the netuids whose
   * epoch ran, one entry per epoch.
   */
  advanceBlocks(count = 1): number[] {
    if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
      throw new ChainRejectedError('count', 'must be an integer from 1 to 1,000,000');
    }
    const epochs: number[] = [];
    for (let i = 0; i < count; i += 1)
      epochs.push(...this.#write(() => this.#runtime.produceBlock()));
    return epochs;
  }

  async head(): Promise<number> {
    return this.#runtime.block();
  }

  async *blocks(options: BlockStreamOptions = {}): AsyncIterable<number> {
    let seen = this.#runtime.block();
    while (!options.signal?.aborted) {
      const now = this.#runtime.block();
      for (let b = seen + 1; b <= now; b += 1) yield b;
      seen = now;
      try {
        await sleep(this.#options.pollMs, undefined, { signal: options.signal });
      } catch {
        return; // aborted
      }
    }
  }

  async nextEpochBlock(netuid: number, fromBlock: number): Promise<number> {
    return nextEpochBlock(fromBlock, netuid, (await this.subnet(netuid)).tempo);
  }

  async balance(address: string): Promise<bigint> {
    return this.#runtime.free(canonicalAddress(address));
  }

  async subnets(): Promise<number[]> {
    return (
      this.#sql('SELECT netuid FROM subnets ORDER BY netuid').all() as { netuid: number }[]
    ).map((r) => r.netuid);
  }

  async subnet(netuid: number): Promise<SubnetInfo> {
    const row = this.#runtime.subnetRow(netuid, 'subnet');
    return {
      netuid,
      owner: row.owner,
      size: this.#runtime.neuronRows(netuid).length,
      ...paramsOf(row),
    };
  }

  /** Sets `address`'s free balance, signed by the sudo key (a faucet for development networks). */
  async setBalance(sudo: ChainKeypair, address: string, rao: bigint): Promise<void> {
    await this.#call(sudo, {
      name: 'setBalance',
      args: { address: canonicalAddress(address), rao: checkAmount(rao, 'rao').toString() },
    });
  }

  async createSubnet(owner: ChainKeypair, hotkey: string): Promise<number> {
    await this.#call(owner, {
      name: 'createSubnet',
      args: { hotkey: canonicalAddress(hotkey, 'hotkey') },
    });
    const { netuid } = this.#sql('SELECT MAX(netuid) AS netuid FROM subnets WHERE owner = ?').get(
      canonicalAddress(owner.address),
    ) as { netuid: number };
    return netuid;
  }

  async setHyperparameters(
    key: ChainKeypair,
    netuid: number,
    params: Partial<SubnetHyperparameters>,
  ): Promise<void> {
    const { weightsVersionKey, ...rest } = params;
    await this.#call(key, {
      name: 'setHyperparameters',
      args: {
        netuid,
        params: {
          ...rest,
          ...(weightsVersionKey === undefined
            ? {}
            : {
                weightsVersionKey: checkAmount(weightsVersionKey, 'weightsVersionKey').toString(),
              }),
        },
      },
    });
  }

  /**
   * Resets the bonds validators hold in `hotkey`'s UID (its column in every
   * bonds row), as subtensor's `do_reset_bonds` when the hotkey commits with
   * the reset flag; nothing happens unless the subnet's `bondsResetEnabled`.
   * Signed by the hotkey itself: only a miner resets its own column.
   */
  async resetBonds(hotkey: ChainKeypair, netuid: number): Promise<void> {
    await this.#call(hotkey, { name: 'resetBonds', args: { netuid } });
  }

  async transfer(from: ChainKeypair, to: string, rao: bigint): Promise<void> {
    await this.#call(from, {
      name: 'transfer',
      args: { to: canonicalAddress(to, 'to'), rao: checkAmount(rao, 'rao').toString() },
    });
  }

  async register(coldkey: ChainKeypair, netuid: number, hotkey: string): Promise<number> {
    const address = canonicalAddress(hotkey, 'hotkey');
    await this.#call(coldkey, { name: 'register', args: { netuid, hotkey: address } });
    const row = this.#runtime.neuronOf(netuid, address);
    if (!row) throw new ChainCallFailedError('local.register', 'HotKeyNotRegisteredInSubNet');
    return row.uid;
  }

  async publishEndpoint(hotkey: ChainKeypair, netuid: number, url: string): Promise<void> {
    await this.#call(hotkey, {
      name: 'publishEndpoint',
      args: { netuid, url: checkEndpointUrl(url, this.#endpoints) },
    });
  }

  async addStake(
    coldkey: ChainKeypair,
    netuid: number,
    hotkey: string,
    rao: bigint,
  ): Promise<void> {
    await this.#stakeCall('addStake', coldkey, netuid, hotkey, rao);
  }

  async removeStake(
    coldkey: ChainKeypair,
    netuid: number,
    hotkey: string,
    rao: bigint,
  ): Promise<void> {
    await this.#stakeCall('removeStake', coldkey, netuid, hotkey, rao);
  }

  #stakeCall(
    name: 'addStake' | 'removeStake',
    coldkey: ChainKeypair,
    netuid: number,
    hotkey: string,
    rao: bigint,
  ): Promise<void> {
    return this.#call(coldkey, {
      name,
      args: {
        netuid,
        hotkey: canonicalAddress(hotkey, 'hotkey'),
        rao: checkAmount(rao, 'rao').toString(),
      },
    });
  }

  async setWeights(
    hotkey: ChainKeypair,
    netuid: number,
    weights: U16Weights,
    versionKey = 0n,
  ): Promise<void> {
    checkU16Weights(weights);
    await this.#call(hotkey, {
      name: 'setWeights',
      args: {
        netuid,
        uids: weights.uids,
        values: weights.values,
        versionKey: checkAmount(versionKey, 'versionKey').toString(),
      },
    });
  }

  async commitWeights(hotkey: ChainKeypair, netuid: number, hash: `0x${string}`): Promise<void> {
    if (!/^0x[0-9a-f]{64}$/.test(hash)) {
      throw new ChainRejectedError(
        'hash',
        'must be 0x and 64 lower-case hex digits (see weightCommitHash)',
      );
    }
    await this.#call(hotkey, { name: 'commitWeights', args: { netuid, hash } });
  }

  async revealWeights(hotkey: ChainKeypair, netuid: number, reveal: WeightReveal): Promise<void> {
    checkU16Weights(reveal, 'reveal');
    await this.#call(hotkey, {
      name: 'revealWeights',
      args: {
        netuid,
        uids: reveal.uids,
        values: reveal.values,
        salt: reveal.salt,
        versionKey: checkAmount(reveal.versionKey, 'versionKey').toString(),
      },
    });
  }

  async pendingCommits(netuid: number, hotkey: string): Promise<PendingCommit[]> {
    const { tempo, commitRevealPeriod } = await this.subnet(netuid);
    const period = tempo + 1;
    const rows = this.#sql(
      'SELECT hash, block FROM commits WHERE netuid = ? AND hotkey = ? ORDER BY block',
    ).all(netuid, canonicalAddress(hotkey)) as { hash: `0x${string}`; block: number }[];
    return rows.map(({ hash, block }) => {
      const epoch = epochIndex(block, netuid, tempo) + commitRevealPeriod;
      return {
        hash,
        commitBlock: block,
        revealFrom: Math.max(0, epoch * period - netuid - 1),
        revealUntil: (epoch + 1) * period - netuid - 2,
      };
    });
  }

  async weightsOf(netuid: number, uid: number): Promise<Map<number, number>> {
    const row = this.#runtime.neuronRows(netuid).find((r) => r.uid === uid);
    if (!row) throw new ChainRejectedError('uid', `${uid} is not a UID of subnet ${netuid}`);
    return new Map(parseJson(row.weights, storedU16EntriesSchema));
  }

  async metagraph(netuid: number): Promise<Metagraph> {
    this.#runtime.subnetRow(netuid, 'metagraph');
    const block = this.#runtime.block();
    return {
      netuid,
      block,
      neurons: this.#runtime.neuronRows(netuid).map((row) => ({
        uid: row.uid,
        hotkey: row.hotkey,
        coldkey: this.#runtime.coldkeyOf(row.hotkey) ?? '',
        stake: BigInt(row.stake),
        endpoint: servedEndpoint(row.endpoint, this.#endpoints),
        registeredAtBlock: row.registered_at,
        lastUpdate: row.last_update,
        validatorPermit: row.permit === 1,
        consensus: row.consensus,
        incentive: row.incentive,
        dividends: row.dividends,
        trust: row.trust,
        emission: BigInt(row.emission),
      })),
    };
  }
}

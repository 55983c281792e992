import { type EndpointPolicy, type MtLogger, silentLogger } from '@mt/protocol';
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { u8aToHex } from '@polkadot/util';
import pRetry from 'p-retry';
import { checkAmount } from '../amount.js';
import type {
  BlockStreamOptions,
  ChainClient,
  Metagraph,
  MetagraphNeuron,
  PendingCommit,
  SubnetHyperparameters,
  SubnetInfo,
} from '../contract/chain-client.js';
import { axonOfUrl, servedEndpoint, urlOfAxon } from '../endpoint.js';
import { nextEpochBlock } from '../epoch-schedule.js';
import {
  ChainCallFailedError,
  ChainRejectedError,
  ChainRuntimeError,
  ChainUnreachableError,
} from '../errors.js';
import { type ChainKeypair, canonicalAddress } from '../keys/keypair.js';
import type { WeightReveal } from '../weights/commit-hash.js';
import { checkU16Weights, type U16Weights } from '../weights/u16-weights.js';
import { connectSubtensor } from './connect.js';
import type { SubtensorChainOptions } from './options.js';
import {
  decodeRuntimeAnswer,
  type Fields,
  field,
  HYPERPARAMS_LAYOUTS,
  listField,
  type RuntimeApiMethod,
  runtimeApiMethod,
  SUBNET_STATE_LAYOUTS,
  structsOf,
} from './runtime-api.js';
import { TransactionSubmitter } from './submit.js';

/** Each hyperparameter's AdminUtils setter; the value is its second argument, after the netuid. */
const HYPERPARAMETER_CALLS: Record<keyof SubnetHyperparameters, string> = {
  tempo: 'sudoSetTempo',
  commitRevealEnabled: 'sudoSetCommitRevealWeightsEnabled',
  commitRevealPeriod: 'sudoSetCommitRevealWeightsInterval',
  weightsRateLimit: 'sudoSetWeightsSetRateLimit',
  maxAllowedUids: 'sudoSetMaxAllowedUids',
  maxAllowedValidators: 'sudoSetMaxAllowedValidators',
  immunityPeriod: 'sudoSetImmunityPeriod',
  targetRegistrationsPerInterval: 'sudoSetTargetRegistrationsPerInterval',
  maxRegistrationsPerBlock: 'sudoSetMaxRegistrationsPerBlock',
  weightsVersionKey: 'sudoSetWeightsVersionKey',
  activityCutoff: 'sudoSetActivityCutoff',
  bondsResetEnabled: 'sudoSetBondsResetEnabled',
};

/** Each hyperparameter's storage item in `subtensorModule`, keyed by netuid. */
const HYPERPARAMETER_STORAGE: Record<keyof SubnetHyperparameters, string | string[]> = {
  tempo: 'tempo',
  commitRevealEnabled: 'commitRevealWeightsEnabled',
  commitRevealPeriod: ['revealPeriodEpochs', 'weightCommitRevealInterval'],
  weightsRateLimit: 'weightsSetRateLimit',
  maxAllowedUids: 'maxAllowedUids',
  maxAllowedValidators: 'maxAllowedValidators',
  immunityPeriod: 'immunityPeriod',
  targetRegistrationsPerInterval: 'targetRegistrationsPerInterval',
  maxRegistrationsPerBlock: 'maxRegistrationsPerBlock',
  weightsVersionKey: 'weightsVersionKey',
  activityCutoff: 'activityCutoff',
  bondsResetEnabled: 'bondsResetOn',
};

type Codec = { toString(): string; toJSON(): unknown; toPrimitive(): unknown };

/**
 * {@link ChainClient} on a subtensor node (Bittensor's chain) through
 * `@polkadot/api`: a local node, chopsticks, Bittensor's testnet or mainnet.
 * Call names and argument lists are read from the node's metadata (spec 202's
 * `add_subnet_stake` and spec 218's `add_stake(hotkey, netuid, amount)` are
 * both found), so it follows the runtime the node runs rather than one
 * compiled in.
 *
 * @example
 * ```ts
 * const chain = await SubtensorChain.connect('wss://test.finney.opentensor.ai:443');
 * const graph = await chain.metagraph(1);
 * ```
 */
export class SubtensorChain implements ChainClient {
  readonly #api: ApiPromise;
  readonly #url: string;
  readonly #submitter: TransactionSubmitter;
  readonly #readRetries: number;

  readonly #endpoints: EndpointPolicy;
  readonly #maxHeadGap: number;
  readonly #logger: MtLogger;
  readonly #useRuntimeApis: boolean;

  private constructor(api: ApiPromise, url: string, options: SubtensorChainOptions) {
    this.#api = api;
    this.#url = url;
    this.#submitter = new TransactionSubmitter(api, options);
    this.#readRetries = options.readRetries ?? 5;
    this.#endpoints = { allowPrivate: options.allowPrivateEndpoints ?? false };
    this.#maxHeadGap = options.maxHeadGap ?? 1_024;
    this.#logger = options.logger ?? silentLogger;
    this.#useRuntimeApis = options.runtimeApis ?? true;
  }

  /**
   * Connects to the node at `url` and checks that its runtime has what this client needs.
   *
   * @throws ChainUnreachableError when the node does not answer.
   * @throws ChainRuntimeError when the runtime lacks the subtensor module.
   */
  static async connect(url: string, options: SubtensorChainOptions = {}): Promise<SubtensorChain> {
    const api = await connectSubtensor(url, options);
    if (!api.tx.subtensorModule || !api.query.subtensorModule) {
      await api.disconnect();
      throw new ChainRuntimeError(
        `the node at ${url} has no subtensorModule pallet; is it a subtensor node?`,
      );
    }
    return new SubtensorChain(api, url, options);
  }

  /** The runtime's spec name and version, e.g. `node-subtensor` 218. */
  get runtime(): { specName: string; specVersion: number } {
    return {
      specName: this.#api.runtimeVersion.specName.toString(),
      specVersion: this.#api.runtimeVersion.specVersion.toNumber(),
    };
  }

  async close(): Promise<void> {
    await this.#api.disconnect();
  }

  /** A read, retried while the node is reconnecting; a node that stays down is {@link ChainUnreachableError}. */
  #read<T>(what: string, read: () => Promise<T>): Promise<T> {
    return pRetry(read, {
      retries: this.#readRetries,
      minTimeout: 200,
      shouldRetry: () => !this.#api.isConnected,
    }).catch((error: unknown) => {
      if (!this.#api.isConnected) {
        throw new ChainUnreachableError(this.#url, `lost while reading ${what}`, { cause: error });
      }
      throw error;
    });
  }

  #storage(name: string): ((...args: unknown[]) => Promise<Codec>) & {
    entries: (...args: unknown[]) => Promise<[{ args: Codec[] }, Codec][]>;
  } {
    const item = (this.#api.query.subtensorModule as Record<string, unknown>)[name];
    if (!item) throw new ChainRuntimeError(`subtensorModule has no storage item ${name}`);
    return item as never;
  }

  /** The runtime's builder of `section.method`. */
  #builder(
    section: string,
    method: string,
  ): (...args: unknown[]) => SubmittableExtrinsic<'promise'> {
    const builder = (this.#api.tx as Record<string, Record<string, unknown> | undefined>)[
      section
    ]?.[method];
    if (typeof builder !== 'function')
      throw new ChainRuntimeError(`the runtime has no call ${section}.${method}`);
    return builder as (...args: unknown[]) => SubmittableExtrinsic<'promise'>;
  }

  /** `call` dispatched as root through the sudo pallet. */
  #asSudo(call: SubmittableExtrinsic<'promise'>): SubmittableExtrinsic<'promise'> {
    return this.#builder('sudo', 'sudo')(call);
  }

  /** The first of `names` the runtime stores. */
  #firstStorage(names: string | string[]): string {
    const query = this.#api.query.subtensorModule as Record<string, unknown>;
    const found = [names].flat().find((name) => name in query);
    if (!found)
      throw new ChainRuntimeError(`subtensorModule stores none of ${[names].flat().join(', ')}`);
    return found;
  }

  /** Builds `section.method` with arguments picked by name from `named`, in the runtime's order. */
  #tx(
    section: string,
    method: string,
    named: Record<string, unknown>,
  ): SubmittableExtrinsic<'promise'> {
    const builder = this.#builder(section, method) as ((
      ...args: unknown[]
    ) => SubmittableExtrinsic<'promise'>) & {
      meta: { args: { name: Codec }[] };
    };
    const args = builder.meta.args.map(({ name }) => {
      const key = name.toString().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      if (!(key in named)) {
        throw new ChainRuntimeError(
          `${section}.${method} takes ${key}, which this client does not know`,
        );
      }
      return named[key];
    });
    return builder(...args);
  }

  /** The first of `methods` the runtime has whose arguments include all of `needs`. */
  #pick(section: string, methods: string[], needs: string[]): string {
    const calls = (
      this.#api.tx as Record<string, Record<string, { meta: { args: { name: Codec }[] } }>>
    )[section];
    const found = methods.find((m) => {
      const names = calls?.[m]?.meta.args.map((a) =>
        a.name.toString().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      );
      return names !== undefined && needs.every((n) => names.includes(n));
    });
    if (!found)
      throw new ChainRuntimeError(
        `no ${section} call among ${methods.join(', ')} takes ${needs.join(', ')}`,
      );
    return found;
  }

  async #submit(key: ChainKeypair, tx: SubmittableExtrinsic<'promise'>, label: string) {
    return this.#submitter.submit(key, tx, label);
  }

  /**
   * Runs `section.method(args)` as root through `sudo.sudo`, signed by the
   * chain's sudo key: for a development chain's settings this contract does
   * not cover (`adminUtils.sudoSetNetworkRateLimit`, ...).
   */
  async sudo(key: ChainKeypair, section: string, method: string, args: unknown[]): Promise<void> {
    const call = this.#builder(section, method);
    await this.#submit(key, this.#asSudo(call(...args)), `sudo(${section}.${method})`);
  }

  async head(): Promise<number> {
    return this.#read('the head', async () =>
      (await this.#api.rpc.chain.getHeader()).number.toNumber(),
    );
  }

  /** New block numbers in order, each once, from the node's new-head subscription. */
  async *blocks(options: BlockStreamOptions = {}): AsyncIterable<number> {
    const waiting: number[] = [];
    let wake: (() => void) | undefined;
    let last: number | undefined;
    // A node announces its new heads, not necessarily every block (several built at once
    // arrive as the last one): the blocks in between are filled in, so none is skipped.
    // A node is a peer too: a head that moves backwards, or jumps further than any node
    // builds at once (to 4e9, say), is reported and skipped, never filled block by block.
    // A far jump counts once the node's next head follows on from it (a node that was
    // behind and caught up); even then, only the new heads are yielded.
    let jumpedTo: number | undefined;
    const unsubscribe = await this.#api.rpc.chain.subscribeNewHeads((header) => {
      const number = header.number.toNumber();
      if (last === undefined || (number > last && number - last <= this.#maxHeadGap)) {
        for (let b = last === undefined ? number : last + 1; b <= number; b += 1) waiting.push(b);
      } else if (
        jumpedTo !== undefined &&
        number > jumpedTo &&
        number - jumpedTo <= this.#maxHeadGap
      ) {
        waiting.push(number);
      } else {
        jumpedTo = number > last ? number : undefined;
        this.#logger.warn(
          { node: this.#url, head: number, last, maxHeadGap: this.#maxHeadGap },
          number > last
            ? 'the head jumped further than a node builds at once; skipped'
            : 'the head moved backwards; skipped',
        );
        return;
      }
      jumpedTo = undefined;
      last = number;
      wake?.();
    });
    const onAbort = () => wake?.();
    options.signal?.addEventListener('abort', onAbort);
    try {
      while (!options.signal?.aborted) {
        const next = waiting.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    }
  }

  async nextEpochBlock(netuid: number, fromBlock: number): Promise<number> {
    const tempo = Number(
      (await this.#read('tempo', () => this.#storage('tempo')(netuid))).toString(),
    );
    return nextEpochBlock(fromBlock, netuid, tempo);
  }

  async balance(address: string): Promise<bigint> {
    const account = (await this.#read(
      'a balance',
      () =>
        (
          this.#api.query.system as unknown as Record<string, (a: string) => Promise<Codec>>
        ).account?.(canonicalAddress(address)) ??
        Promise.reject(new ChainRuntimeError('the runtime has no system.account')),
    )) as unknown as { data: { free: Codec } };
    return BigInt(account.data.free.toString());
  }

  async transfer(from: ChainKeypair, to: string, rao: bigint): Promise<void> {
    await this.#submit(
      from,
      this.#tx('balances', 'transferKeepAlive', {
        dest: canonicalAddress(to, 'to'),
        value: checkAmount(rao, 'rao'),
      }),
      'balances.transferKeepAlive',
    );
  }

  async subnets(): Promise<number[]> {
    const entries = await this.#read('the subnets', () => this.#storage('networksAdded').entries());
    return entries
      .filter(([, added]) => added.toPrimitive() === true)
      .map(([key]) => Number(key.args[0]?.toString()))
      .sort((a, b) => a - b);
  }

  /**
   * A subnet's owner, size and hyperparameters: from `get_subnet_hyperparams`
   * and `get_subnet_info` (two requests) where the runtime has them, else
   * from storage.
   */
  async subnet(netuid: number): Promise<SubnetInfo> {
    const hyperparams = this.#runtimeApi('subnetInfoRuntimeApi', 'getSubnetHyperparams');
    const info = this.#runtimeApi('subnetInfoRuntimeApi', 'getSubnetInfo');
    if (hyperparams && info) return this.#subnetFromRuntime(netuid, hyperparams, info);
    const added = await this.#read('a subnet', () => this.#storage('networksAdded')(netuid));
    if (added.toPrimitive() !== true)
      throw new ChainRejectedError('netuid', `subnet ${netuid} does not exist`);
    const names = (Object.keys(HYPERPARAMETER_STORAGE) as (keyof SubnetHyperparameters)[]).filter(
      (name) => name !== 'bondsResetEnabled',
    );
    const [values, bondsResetEnabled] = await this.#read('hyperparameters', () =>
      Promise.all([
        Promise.all(
          names.map((name) =>
            this.#storage(this.#firstStorage(HYPERPARAMETER_STORAGE[name]))(netuid),
          ),
        ),
        this.#bondsResetEnabled(netuid),
      ]),
    );
    const [owner, size] = await this.#read('the subnet owner', () =>
      Promise.all([this.#storage('subnetOwner')(netuid), this.#storage('subnetworkN')(netuid)]),
    );
    const params = Object.fromEntries(
      names.map((name, i) => {
        const raw = values[i]?.toPrimitive();
        if (name === 'weightsVersionKey') return [name, BigInt(String(raw))];
        if (name === 'commitRevealEnabled') return [name, raw === true];
        return [name, Number(raw)];
      }),
    ) as unknown as SubnetHyperparameters;
    return {
      netuid,
      owner: owner.toString(),
      size: Number(size.toString()),
      ...params,
      bondsResetEnabled,
    };
  }

  /** `BondsResetOn` where the runtime stores it; runtimes before it (specs 202, 218) have no bond reset. */
  async #bondsResetEnabled(netuid: number): Promise<boolean> {
    const query = this.#api.query.subtensorModule as Record<string, unknown>;
    if (!('bondsResetOn' in query)) return false;
    return (await this.#storage('bondsResetOn')(netuid)).toPrimitive() === true;
  }

  async #subnetFromRuntime(
    netuid: number,
    hyperparamsApi: RuntimeApiMethod,
    infoApi: RuntimeApiMethod,
  ): Promise<SubnetInfo> {
    const [hyperparamsRaw, infoRaw, bondsResetEnabled] = await this.#read('a subnet', async () => {
      const hash = (await this.#api.rpc.chain.getHeader()).hash.toHex();
      return Promise.all([
        this.#callRuntime(hyperparamsApi, netuid, hash),
        this.#callRuntime(infoApi, netuid, hash),
        this.#bondsResetEnabled(netuid),
      ]);
    });
    const params = decodeRuntimeAnswer(this.#api, hyperparamsApi, hyperparamsRaw, [
      ...HYPERPARAMS_LAYOUTS,
    ]) as Fields | undefined;
    const info = decodeRuntimeAnswer(this.#api, infoApi, infoRaw, ['MtSubnetInfo']) as
      | Fields
      | undefined;
    if (!params || !info) throw new ChainRejectedError('netuid', `subnet ${netuid} does not exist`);
    if (Number(field(info, 'netuid')) !== netuid)
      throw new ChainRuntimeError(
        `the node answered for subnet ${field(info, 'netuid')}, not ${netuid}`,
      );
    const number = (name: string) => Number(field(params, name));
    return {
      netuid,
      owner: field(info, 'owner'),
      size: Number(field(info, 'subnetworkN')),
      tempo: number('tempo'),
      commitRevealEnabled: field(params, 'commitRevealWeightsEnabled') === 'true',
      commitRevealPeriod: number('commitRevealWeightsInterval'),
      weightsRateLimit: number('weightsRateLimit'),
      maxAllowedUids: Number(field(info, 'maxAllowedUids')),
      maxAllowedValidators: number('maxValidators'),
      immunityPeriod: number('immunityPeriod'),
      targetRegistrationsPerInterval: number('targetRegsPerInterval'),
      maxRegistrationsPerBlock: number('maxRegsPerBlock'),
      weightsVersionKey: BigInt(field(params, 'weightsVersion')),
      activityCutoff: number('activityCutoff'),
      bondsResetEnabled,
    };
  }

  async createSubnet(owner: ChainKeypair, hotkey: string): Promise<number> {
    const events = await this.#submit(
      owner,
      this.#tx('subtensorModule', 'registerNetwork', {
        hotkey: canonicalAddress(hotkey, 'hotkey'),
        mechid: 1,
      }),
      'subtensorModule.registerNetwork',
    );
    for (const { event } of events) {
      if (this.#api.events.subtensorModule?.NetworkAdded?.is(event))
        return Number(event.data[0]?.toString());
    }
    throw new ChainRuntimeError('registerNetwork succeeded but emitted no NetworkAdded event');
  }

  async setHyperparameters(
    key: ChainKeypair,
    netuid: number,
    params: Partial<SubnetHyperparameters>,
  ): Promise<void> {
    const sudoKey = (
      await this.#read(
        'the sudo key',
        async () =>
          (
            this.#api.query.sudo as unknown as Record<string, () => Promise<Codec>> | undefined
          )?.key?.() ?? null,
      )
    )?.toString();
    const asRoot = sudoKey === canonicalAddress(key.address);
    for (const [name, value] of Object.entries(params) as [
      keyof SubnetHyperparameters,
      unknown,
    ][]) {
      if (value === undefined) continue;
      const method = HYPERPARAMETER_CALLS[name];
      if (!method)
        throw new ChainRejectedError('params', `has ${name}, which is no hyperparameter`);
      const arg = typeof value === 'bigint' ? checkAmount(value, name) : value;
      const call = this.#builder('adminUtils', method)(netuid, arg);
      await this.#submit(key, asRoot ? this.#asSudo(call) : call, `adminUtils.${method}`);
    }
  }

  async register(coldkey: ChainKeypair, netuid: number, hotkey: string): Promise<number> {
    const address = canonicalAddress(hotkey, 'hotkey');
    await this.#submit(
      coldkey,
      this.#tx('subtensorModule', 'burnedRegister', { netuid, hotkey: address }),
      'subtensorModule.burnedRegister',
    );
    const uid = await this.#read('a UID', () => this.#storage('uids')(netuid, address));
    const value = uid.toPrimitive();
    if (value === null)
      throw new ChainCallFailedError(
        'subtensorModule.burnedRegister',
        'HotKeyNotRegisteredInSubNet',
      );
    return Number(value);
  }

  async publishEndpoint(hotkey: ChainKeypair, netuid: number, url: string): Promise<void> {
    const axon = axonOfUrl(url, this.#endpoints);
    await this.#submit(
      hotkey,
      this.#tx('subtensorModule', 'serveAxon', {
        netuid,
        version: 1,
        ip: axon.ip,
        port: axon.port,
        ipType: axon.ipType,
        protocol: axon.protocol,
        placeholder1: 0,
        placeholder2: 0,
      }),
      'subtensorModule.serveAxon',
    );
  }

  async addStake(
    coldkey: ChainKeypair,
    netuid: number,
    hotkey: string,
    rao: bigint,
  ): Promise<void> {
    await this.#stakeCall(
      ['addStake', 'addSubnetStake'],
      'amountStaked',
      coldkey,
      netuid,
      hotkey,
      rao,
    );
  }

  async removeStake(
    coldkey: ChainKeypair,
    netuid: number,
    hotkey: string,
    rao: bigint,
  ): Promise<void> {
    await this.#stakeCall(
      ['removeStake', 'removeSubnetStake'],
      'amountUnstaked',
      coldkey,
      netuid,
      hotkey,
      rao,
    );
  }

  /** Stakes or unstakes through whichever of `methods` this runtime has with a netuid (spec 202's subnet calls, 218's). */
  async #stakeCall(
    methods: string[],
    amountArg: string,
    coldkey: ChainKeypair,
    netuid: number,
    hotkey: string,
    rao: bigint,
  ): Promise<void> {
    const method = this.#pick('subtensorModule', methods, ['hotkey', 'netuid']);
    await this.#submit(
      coldkey,
      this.#tx('subtensorModule', method, {
        hotkey: canonicalAddress(hotkey, 'hotkey'),
        netuid,
        [amountArg]: checkAmount(rao, 'rao'),
      }),
      `subtensorModule.${method}`,
    );
  }

  async setWeights(
    hotkey: ChainKeypair,
    netuid: number,
    weights: U16Weights,
    versionKey = 0n,
  ): Promise<void> {
    checkU16Weights(weights);
    await this.#submit(
      hotkey,
      this.#tx('subtensorModule', 'setWeights', {
        netuid,
        dests: weights.uids,
        weights: weights.values,
        versionKey: checkAmount(versionKey, 'versionKey'),
      }),
      'subtensorModule.setWeights',
    );
  }

  async commitWeights(hotkey: ChainKeypair, netuid: number, hash: `0x${string}`): Promise<void> {
    if (!/^0x[0-9a-f]{64}$/.test(hash))
      throw new ChainRejectedError('hash', 'must be 0x and 64 lower-case hex digits');
    await this.#submit(
      hotkey,
      this.#tx('subtensorModule', 'commitWeights', { netuid, commitHash: hash }),
      'subtensorModule.commitWeights',
    );
  }

  async revealWeights(hotkey: ChainKeypair, netuid: number, reveal: WeightReveal): Promise<void> {
    checkU16Weights(reveal, 'reveal');
    await this.#submit(
      hotkey,
      this.#tx('subtensorModule', 'revealWeights', {
        netuid,
        uids: reveal.uids,
        values: reveal.values,
        salt: reveal.salt,
        versionKey: checkAmount(reveal.versionKey, 'versionKey'),
      }),
      'subtensorModule.revealWeights',
    );
  }

  async pendingCommits(netuid: number, hotkey: string): Promise<PendingCommit[]> {
    const address = canonicalAddress(hotkey, 'hotkey');
    const stored = (
      await this.#read('weight commits', () => this.#storage('weightCommits')(netuid, address))
    ).toJSON();
    if (stored === null) return [];
    // spec 218 and later: a queue of (hash, commit block, first reveal block, last reveal block).
    if (Array.isArray(stored) && Array.isArray(stored[0])) {
      return (stored as [string, number, number, number][]).map(
        ([hash, commitBlock, revealFrom, revealUntil]) => ({
          hash: hash as `0x${string}`,
          commitBlock: Number(commitBlock),
          revealFrom: Number(revealFrom),
          revealUntil: Number(revealUntil),
        }),
      );
    }
    // spec 202: one (hash, commit block); the reveal window is the next interval of WeightCommitRevealInterval blocks.
    if (Array.isArray(stored) && stored.length === 2) {
      const [hash, block] = stored as [string, number];
      const interval = Number(
        (await this.#storage('weightCommitRevealInterval')(netuid)).toString(),
      );
      const start = block - (block % interval) + interval;
      return [
        {
          hash: hash as `0x${string}`,
          commitBlock: Number(block),
          revealFrom: start,
          revealUntil: start + interval - 1,
        },
      ];
    }
    throw new ChainRuntimeError(
      `weightCommits has a shape this client does not read: ${JSON.stringify(stored).slice(0, 120)}`,
    );
  }

  async weightsOf(netuid: number, uid: number): Promise<Map<number, number>> {
    const row = (
      await this.#read('weights', () => this.#storage('weights')(netuid, uid))
    ).toJSON() as [number, number][];
    return new Map(row.map(([target, value]) => [Number(target), Number(value)]));
  }

  /**
   * One request per metagraph where the runtime offers it: the neurons from
   * `NeuronInfoRuntimeApi.get_neurons_lite`, and the per-subnet stake and
   * registration blocks from `SubnetInfoRuntimeApi.get_subnet_state` (spec
   * 218 on), else from storage for every UID in one request. A runtime
   * without these APIs, or a client made with `runtimeApis: false`, reads
   * each storage item for all UIDs in one request instead.
   */
  async metagraph(netuid: number): Promise<Metagraph> {
    return this.#read('the metagraph', async () => {
      const header = await this.#api.rpc.chain.getHeader();
      const hash = header.hash.toHex();
      const lite = this.#runtimeApi('neuronInfoRuntimeApi', 'getNeuronsLite');
      const neurons = lite
        ? await this.#neuronsFromRuntime(netuid, hash, lite)
        : await this.#neuronsFromStorage(netuid, hash);
      return { netuid, block: header.number.toNumber(), neurons };
    });
  }

  /** `section.method` of the runtime APIs, where the node's metadata declares it and this client may use it. */
  #runtimeApi(section: string, method: string): RuntimeApiMethod | undefined {
    return this.#useRuntimeApis ? runtimeApiMethod(this.#api, section, method) : undefined;
  }

  /** The raw answer of a runtime API called with one `u16` (a netuid) at block `hash`. */
  async #callRuntime(method: RuntimeApiMethod, netuid: number, hash: string): Promise<Uint8Array> {
    // The SCALE bytes as hex: a number codec's toHex() is big-endian (another netuid to the
    // runtime), and raw bytes would be read as already length-prefixed.
    const arg = u8aToHex(this.#api.registry.createType('u16', netuid).toU8a());
    return (await this.#api.rpc.state.call(method.rpcName, arg, hash)).toU8a(true);
  }

  async #neuronsFromRuntime(
    netuid: number,
    hash: string,
    lite: RuntimeApiMethod,
  ): Promise<MetagraphNeuron[]> {
    const stateApi = this.#runtimeApi('subnetInfoRuntimeApi', 'getSubnetState');
    const [liteRaw, stateRaw] = await Promise.all([
      this.#callRuntime(lite, netuid, hash),
      stateApi ? this.#callRuntime(stateApi, netuid, hash) : undefined,
    ]);
    const entries = structsOf(
      decodeRuntimeAnswer(this.#api, lite, liteRaw, ['Vec<MtNeuronInfoLite>']) ?? [],
    );
    // The node is a peer: its answer must be about this subnet, each UID once.
    const seen = new Set<number>();
    for (const entry of entries) {
      const uid = Number(field(entry, 'uid'));
      if (Number(field(entry, 'netuid')) !== netuid || seen.has(uid))
        throw new ChainRuntimeError(
          `the node's neurons for subnet ${netuid} hold another subnet's neuron, or a UID twice (${uid})`,
        );
      seen.add(uid);
    }
    entries.sort((a, b) => Number(field(a, 'uid')) - Number(field(b, 'uid')));
    const hotkeys = entries.map((e) => field(e, 'hotkey'));
    // A runtime without a subnet state for this subnet (spec 218 has none for some) is read from storage.
    const perSubnet =
      (stateApi && stateRaw && this.#stakeFromState(stateApi, stateRaw, hotkeys)) ||
      (await this.#stakeFromStorage(
        netuid,
        hash,
        entries.map((e) => Number(field(e, 'uid'))),
        hotkeys,
      ));
    return entries.map((entry, i): MetagraphNeuron => {
      const axon = entry.get('axonInfo') as unknown as Fields;
      const ratio = (name: string) => Number(field(entry, name)) / 65_535;
      return {
        uid: Number(field(entry, 'uid')),
        hotkey: hotkeys[i] as string,
        coldkey: field(entry, 'coldkey'),
        stake: perSubnet.stake[i] as bigint,
        endpoint: this.#endpointOf(
          BigInt(field(axon, 'ip')),
          Number(field(axon, 'ipType')),
          Number(field(axon, 'port')),
        ),
        registeredAtBlock: perSubnet.registeredAt[i] as number,
        lastUpdate: Number(field(entry, 'lastUpdate')),
        validatorPermit: field(entry, 'validatorPermit') === 'true',
        consensus: ratio('consensus'),
        incentive: ratio('incentive'),
        dividends: ratio('dividends'),
        trust: ratio('validatorTrust'),
        emission: BigInt(field(entry, 'emission')),
      };
    });
  }

  /** Per-subnet stake and registration blocks from a `SubnetState`, whose vectors are indexed by UID. */
  #stakeFromState(
    method: RuntimeApiMethod,
    raw: Uint8Array,
    hotkeys: string[],
  ): { stake: bigint[]; registeredAt: number[] } | undefined {
    const state = decodeRuntimeAnswer(
      this.#api,
      method,
      raw,
      SUBNET_STATE_LAYOUTS.map((l) => l.layout),
    ) as Fields | undefined;
    if (!state) return undefined;
    const stakeField = SUBNET_STATE_LAYOUTS.find((l) => state.get(l.stake) !== undefined)?.stake;
    if (!stakeField) throw new ChainRuntimeError('the subnet state has no per-subnet stake');
    const stateHotkeys = listField(state, 'hotkeys');
    const stake = listField(state, stakeField).map(BigInt);
    const registeredAt = listField(state, 'blockAtRegistration').map(Number);
    // The node is a peer: one entry per neuron in every vector, or nothing is read from them
    // (a short vector would otherwise leave some neuron's stake unread, not zero).
    if (
      stateHotkeys.length !== hotkeys.length ||
      stake.length !== hotkeys.length ||
      registeredAt.length !== hotkeys.length ||
      hotkeys.some((hotkey, uid) => stateHotkeys[uid] !== hotkey)
    )
      throw new ChainRuntimeError(
        `the node's subnet state (${stateHotkeys.length} hotkeys, ${stake.length} stakes, ${registeredAt.length} registrations) and its ${hotkeys.length} neurons disagree`,
      );
    return { stake, registeredAt };
  }

  /** Per-subnet stake and registration blocks from storage, every UID in one request. */
  async #stakeFromStorage(
    netuid: number,
    hash: string,
    uids: number[],
    hotkeys: string[],
  ): Promise<{ stake: bigint[]; registeredAt: number[] }> {
    if (uids.length === 0) return { stake: [], registeredAt: [] };
    const at = await this.#api.at(hash);
    const query = at.query.subtensorModule as unknown as Record<string, unknown>;
    const item = (name: string) => {
      if (!query[name]) throw new ChainRuntimeError(`subtensorModule has no storage item ${name}`);
      return query[name];
    };
    const stakeItem = item(query.totalHotkeyAlpha ? 'totalHotkeyAlpha' : 'totalHotkeySubStake');
    const registration = item('blockAtRegistration');
    const values = (await at.queryMulti([
      ...hotkeys.map((hotkey) => [stakeItem, [hotkey, netuid]]),
      ...uids.map((uid) => [registration, [netuid, uid]]),
    ] as never)) as unknown as Codec[];
    return {
      stake: hotkeys.map((_, i) => BigInt(String(values[i] ?? 0))),
      registeredAt: uids.map((_, i) => Number(String(values[hotkeys.length + i] ?? 0))),
    };
  }

  /** An axon as the endpoint this client's policy lets it show; `''` when not served or refused. */
  #endpointOf(ip: bigint, ipType: number, port: number): string {
    return servedEndpoint(urlOfAxon({ ip, ipType, port }), this.#endpoints);
  }

  async #neuronsFromStorage(netuid: number, hash: string): Promise<MetagraphNeuron[]> {
    const at = await this.#api.at(hash);
    const query = at.query.subtensorModule as unknown as Record<
      string,
      ((...a: unknown[]) => Promise<Codec>) & {
        entries: (...a: unknown[]) => Promise<[{ args: Codec[] }, Codec][]>;
        multi: (keys: unknown[]) => Promise<Codec[]>;
      }
    >;
    const need = (name: string) => {
      const item = query[name];
      if (!item) throw new ChainRuntimeError(`subtensorModule has no storage item ${name}`);
      return item;
    };
    const keys = await need('keys').entries(netuid);
    const hotkeys = new Map(
      keys.map(([key, value]) => [Number(key.args[1]?.toString()), value.toString()]),
    );
    const vector = async (name: string) =>
      ((await need(name)(netuid)).toJSON() as (number | string | boolean)[]) ?? [];
    // Stake the epoch weighs: per subnet (spec 218's alpha, spec 202's subnet stake).
    const stakeItem = query.totalHotkeyAlpha ? 'totalHotkeyAlpha' : 'totalHotkeySubStake';
    const uids = [...hotkeys.keys()].sort((a, b) => a - b);
    const hotkeyOf = uids.map((uid) => hotkeys.get(uid) as string);
    // Each per-neuron item is read for every UID in one request (state_queryStorageAt),
    // never one request per neuron: 256 UIDs cost a dozen requests, not a thousand.
    const [vectors, coldkeys, stakes, axons, registered] = await Promise.all([
      Promise.all(
        [
          'consensus',
          'incentive',
          'dividends',
          'validatorTrust',
          'emission',
          'lastUpdate',
          'validatorPermit',
        ].map(vector),
      ),
      need('owner').multi(hotkeyOf),
      need(stakeItem).multi(hotkeyOf.map((hotkey) => [hotkey, netuid])),
      need('axons').multi(hotkeyOf.map((hotkey) => [netuid, hotkey])),
      need('blockAtRegistration').multi(uids.map((uid) => [netuid, uid])),
    ]);
    const [consensus, incentive, dividends, trust, emission, lastUpdate, permit] = vectors;
    return uids.map((uid, i): MetagraphNeuron => {
      const axonJson = axons[i]?.toJSON() as {
        ip?: number | string;
        ipType?: number;
        port?: number;
      } | null;
      const ratio = (values: unknown[] | undefined) => Number(values?.[uid] ?? 0) / 65_535;
      return {
        uid,
        hotkey: hotkeyOf[i] as string,
        coldkey: String(coldkeys[i]),
        stake: BigInt(String(stakes[i] ?? 0)),
        endpoint: axonJson
          ? this.#endpointOf(
              BigInt(axonJson.ip ?? 0),
              Number(axonJson.ipType),
              Number(axonJson.port),
            )
          : '',
        registeredAtBlock: Number(String(registered[i] ?? 0)),
        lastUpdate: Number(lastUpdate?.[uid] ?? 0),
        validatorPermit: permit?.[uid] === true,
        consensus: ratio(consensus),
        incentive: ratio(incentive),
        dividends: ratio(dividends),
        trust: ratio(trust),
        emission: BigInt(String(emission?.[uid] ?? 0)),
      };
    });
  }
}

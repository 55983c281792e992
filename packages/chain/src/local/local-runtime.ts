import { describeCause, parseJson } from '@mt/protocol';
import {
  maxUpscaleU16,
  runEpoch,
  toU16Proportion,
  type U16Entry,
  YUMA_DEFAULTS,
  type YumaParams,
} from '@mt/scoring';
import type Database from 'better-sqlite3';
import type { SubnetHyperparameters } from '../contract/chain-client.js';
import { checkEndpointUrl } from '../endpoint.js';
import { epochIndex, isEpochBlock } from '../epoch-schedule.js';
import { ChainCallFailedError } from '../errors.js';
import { canonicalAddress } from '../keys/keypair.js';
import { weightCommitHash } from '../weights/commit-hash.js';
import {
  type NeuronRow,
  type SubnetRow,
  storedParamsSchema,
  storedU16EntriesSchema,
} from './local-schema.js';
import type { LocalCall } from './signed-call.js';
import { preparedStatements } from './statements.js';

/** A new subnet's hyperparameters: subtensor's defaults. */
export const DEFAULT_HYPERPARAMETERS: SubnetHyperparameters = {
  tempo: YUMA_DEFAULTS.tempo,
  commitRevealEnabled: YUMA_DEFAULTS.commitReveal,
  commitRevealPeriod: 1,
  weightsRateLimit: 100,
  maxAllowedUids: 256,
  maxAllowedValidators: YUMA_DEFAULTS.maxAllowedValidators,
  immunityPeriod: 4096,
  targetRegistrationsPerInterval: 1,
  maxRegistrationsPerBlock: 1,
  weightsVersionKey: 0n,
  activityCutoff: YUMA_DEFAULTS.activityCutoffBlocks,
  bondsResetEnabled: YUMA_DEFAULTS.bondsReset,
};

/** Blocks per registration interval (`AdjustmentInterval`'s default). */
const REGISTRATION_INTERVAL = 100;
const U64_MAX = 2n ** 64n - 1n;

/** Subnet creation's economics, as subtensor's defaults: the least lock and the blocks between two creations. */
export const DEFAULT_NETWORK = {
  /** `NetworkMinLockCost`: 1,000 TAO. */
  minLock: 1_000n * 10n ** 9n,
  /** `NetworkRateLimit`: a day of 12 s blocks. */
  rateLimitBlocks: 7_200,
} as const;

/** `NetworkLockReductionInterval`: a lock decays back to the minimum over 14 days of blocks. */
const LOCK_REDUCTION_INTERVAL = 14n * 7_200n;

/** `network.last_lock_block` before any subnet was created. */
export const NEVER = -1;

interface NetworkRow {
  min_lock: string;
  last_lock: string;
  last_lock_block: number;
  rate_limit: number;
}

/** Reads a subnet's hyperparameters from its row. */
export function paramsOf(row: SubnetRow): SubnetHyperparameters {
  return parseJson(row.params, storedParamsSchema, { typeName: 'stored hyperparameters' });
}

function storeParams(params: SubnetHyperparameters): string {
  return JSON.stringify({ ...params, weightsVersionKey: params.weightsVersionKey.toString() });
}

/**
 * Applies verified calls to the chain's tables. The caller has checked the
 * signature and the nonce and holds an immediate transaction; a call that
 * fails throws {@link ChainCallFailedError} with subtensor's error name for
 * the same failure, and the transaction rolls back.
 */
export class LocalRuntime {
  readonly #sql: (sql: string) => Database.Statement;

  constructor(db: Database.Database) {
    this.#sql = preparedStatements(db);
  }

  block(): number {
    return (this.#sql('SELECT block FROM chain WHERE id = 0').get() as { block: number }).block;
  }

  sudo(): string {
    return (this.#sql('SELECT sudo FROM chain WHERE id = 0').get() as { sudo: string }).sudo;
  }

  free(address: string): bigint {
    const row = this.#sql('SELECT free FROM accounts WHERE address = ?').get(address) as
      | { free: string }
      | undefined;
    return BigInt(row?.free ?? '0');
  }

  #setFree(address: string, rao: bigint): void {
    this.#sql(
      `INSERT INTO accounts (address, free, nonce) VALUES (?, ?, 0)
         ON CONFLICT (address) DO UPDATE SET free = excluded.free`,
    ).run(address, rao.toString());
  }

  subnetRow(netuid: number, call: string): SubnetRow {
    const row = this.#sql('SELECT * FROM subnets WHERE netuid = ?').get(netuid) as
      | SubnetRow
      | undefined;
    return row ?? fail(call, 'SubNetworkDoesNotExist', `no subnet ${netuid}`);
  }

  neuronRows(netuid: number): NeuronRow[] {
    return this.#sql('SELECT * FROM neurons WHERE netuid = ? ORDER BY uid').all(
      netuid,
    ) as NeuronRow[];
  }

  neuronOf(netuid: number, hotkey: string): NeuronRow | undefined {
    return this.#sql('SELECT * FROM neurons WHERE netuid = ? AND hotkey = ?').get(netuid, hotkey) as
      | NeuronRow
      | undefined;
  }

  coldkeyOf(hotkey: string): string | undefined {
    return (
      this.#sql('SELECT coldkey FROM hotkeys WHERE hotkey = ?').get(hotkey) as
        | { coldkey: string }
        | undefined
    )?.coldkey;
  }

  /** Subnet creation's economics (a chain file from before they existed gets subtensor's defaults). */
  #network(): NetworkRow {
    return (
      (this.#sql('SELECT * FROM network WHERE id = 0').get() as NetworkRow | undefined) ?? {
        min_lock: DEFAULT_NETWORK.minLock.toString(),
        last_lock: '0',
        last_lock_block: NEVER,
        rate_limit: DEFAULT_NETWORK.rateLimitBlocks,
      }
    );
  }

  /**
   * What creating a subnet locks now, as subtensor's `get_network_lock_cost`:
   * twice the last lock, less what has decayed since, never under the minimum.
   */
  lockCost(): bigint {
    const network = this.#network();
    const last = BigInt(network.last_lock);
    const min = BigInt(network.min_lock);
    const since = BigInt(Math.max(0, this.block() - network.last_lock_block));
    const doubled = network.last_lock_block === NEVER ? last : last * 2n;
    const decayed = doubled - (last / LOCK_REDUCTION_INTERVAL) * since;
    return decayed > min ? decayed : min;
  }

  /** Each coldkey's stake on a neuron. */
  #stakesOn(netuid: number, hotkey: string): { coldkey: string; rao: bigint }[] {
    return (
      this.#sql('SELECT coldkey, rao FROM stakes WHERE netuid = ? AND hotkey = ?').all(
        netuid,
        hotkey,
      ) as { coldkey: string; rao: string }[]
    ).map((row) => ({ coldkey: row.coldkey, rao: BigInt(row.rao) }));
  }

  /** Moves `delta` rao (negative to take) into one coldkey's stake on a neuron, and its total. */
  #moveStake(row: NeuronRow, coldkey: string, delta: bigint): void {
    this.#addToStakeOf(row.netuid, row.hotkey, coldkey, delta);
    this.#sql('UPDATE neurons SET stake = ? WHERE netuid = ? AND uid = ?').run(
      (BigInt(row.stake) + delta).toString(),
      row.netuid,
      row.uid,
    );
  }

  /** Adds `delta` rao (negative to take) to one coldkey's row of a neuron's stake; a row at 0 goes. */
  #addToStakeOf(netuid: number, hotkey: string, coldkey: string, delta: bigint): void {
    const held = BigInt(
      (
        this.#sql('SELECT rao FROM stakes WHERE netuid = ? AND hotkey = ? AND coldkey = ?').get(
          netuid,
          hotkey,
          coldkey,
        ) as { rao: string } | undefined
      )?.rao ?? '0',
    );
    const mine = held + delta;
    if (mine > 0n)
      this.#sql(
        `INSERT INTO stakes (netuid, hotkey, coldkey, rao) VALUES (?, ?, ?, ?)
           ON CONFLICT (netuid, hotkey, coldkey) DO UPDATE SET rao = excluded.rao`,
      ).run(netuid, hotkey, coldkey, mine.toString());
    else
      this.#sql('DELETE FROM stakes WHERE netuid = ? AND hotkey = ? AND coldkey = ?').run(
        netuid,
        hotkey,
        coldkey,
      );
  }

  /** Runs `call`, signed by `signer`. */
  apply(signer: string, call: LocalCall): void {
    const name = call.name;
    switch (call.name) {
      case 'setBalance': {
        if (signer !== this.sudo()) fail(name, 'RequireSudo', 'only the sudo key sets balances');
        const address = checkAddress(name, call.args.address);
        this.#setFree(address, BigInt(call.args.rao));
        return;
      }
      case 'transfer': {
        const to = checkAddress(name, call.args.to);
        const rao = BigInt(call.args.rao);
        const free = this.free(signer);
        // As subtensor's balances pallet: the sender keeps its account, nothing is minted.
        if (free < rao) fail(name, 'InsufficientBalance', `${free} rao free, ${rao} asked`);
        if (to === signer) return;
        const theirs = this.free(to);
        if (theirs + rao > U64_MAX) fail(name, 'BalanceOverflow');
        this.#setFree(signer, free - rao);
        this.#setFree(to, theirs + rao);
        return;
      }
      case 'createSubnet': {
        const hotkey = checkAddress(name, call.args.hotkey);
        this.#claimHotkey(name, signer, hotkey);
        const { next } = this.#sql(
          'SELECT COALESCE(MAX(netuid), 0) + 1 AS next FROM subnets',
        ).get() as { next: number };
        if (next > 65_535) fail(name, 'SubnetLimitReached');
        const block = this.block();
        // As subtensor: a subnet locks a cost from its creator's balance (doubling with each
        // creation, decaying back to the minimum), and creations are rate limited.
        const network = this.#network();
        if (
          network.last_lock_block !== NEVER &&
          block - network.last_lock_block < network.rate_limit
        ) {
          fail(
            name,
            'NetworkTxRateLimitExceeded',
            `the last subnet was created at block ${network.last_lock_block}; the next may be at ${network.last_lock_block + network.rate_limit}`,
          );
        }
        const lock = this.lockCost();
        const free = this.free(signer);
        if (free < lock)
          fail(name, 'NotEnoughBalanceToStake', `a subnet locks ${lock} rao; ${free} rao free`);
        this.#setFree(signer, free - lock);
        this.#sql(
          `INSERT INTO network (id, min_lock, last_lock, last_lock_block, rate_limit) VALUES (0, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET last_lock = excluded.last_lock, last_lock_block = excluded.last_lock_block`,
        ).run(network.min_lock, lock.toString(), block, network.rate_limit);
        this.#sql('INSERT INTO subnet_locks (netuid, coldkey, rao) VALUES (?, ?, ?)').run(
          next,
          signer,
          lock.toString(),
        );
        this.#sql(
          `INSERT INTO subnets (netuid, owner, owner_hotkey, params, pending_emission, registered_at,
               regs_interval_start, regs_this_interval, regs_block, regs_this_block)
             VALUES (?, ?, ?, ?, '0', ?, ?, 0, ?, 0)`,
        ).run(next, signer, hotkey, storeParams(DEFAULT_HYPERPARAMETERS), block, block, block);
        // As on subtensor, the owner's hotkey takes UID 0.
        this.#insertNeuron(next, 0, hotkey, block);
        return;
      }
      case 'resetBonds': {
        // Subtensor's do_reset_bonds: the hotkey's column leaves every bonds row, when the subnet allows it.
        const subnet = this.subnetRow(call.args.netuid, name);
        const row = this.neuronOf(call.args.netuid, signer);
        if (!row) fail(name, 'HotKeyNotRegisteredInSubNet');
        if (!paramsOf(subnet).bondsResetEnabled) return;
        const update = this.#sql('UPDATE neurons SET bonds = ? WHERE netuid = ? AND uid = ?');
        for (const neuron of this.neuronRows(subnet.netuid)) {
          const bonds = parseJson(neuron.bonds, storedU16EntriesSchema);
          const kept = bonds.filter(([uid]) => uid !== row.uid);
          if (kept.length !== bonds.length)
            update.run(JSON.stringify(kept), subnet.netuid, neuron.uid);
        }
        return;
      }
      case 'setHyperparameters': {
        const row = this.subnetRow(call.args.netuid, name);
        if (signer !== row.owner && signer !== this.sudo()) {
          fail(name, 'BadOrigin', 'only the subnet owner or the sudo key sets hyperparameters');
        }
        const { weightsVersionKey, ...rest } = call.args.params;
        const next: SubnetHyperparameters = {
          ...paramsOf(row),
          ...rest,
          ...(weightsVersionKey === undefined
            ? {}
            : { weightsVersionKey: BigInt(weightsVersionKey) }),
        };
        if (next.maxAllowedValidators > next.maxAllowedUids) {
          fail(name, 'MaxValidatorsLargerThanMaxUIds');
        }
        this.#sql('UPDATE subnets SET params = ? WHERE netuid = ?').run(
          storeParams(next),
          row.netuid,
        );
        return;
      }
      case 'register':
        this.#register(signer, call.args.netuid, checkAddress(name, call.args.hotkey));
        return;
      case 'publishEndpoint': {
        const row = this.neuronOf(call.args.netuid, signer);
        if (!row)
          fail(
            name,
            'HotKeyNotRegisteredInNetwork',
            `${signer} is not on subnet ${call.args.netuid}`,
          );
        try {
          // The shared file is a local network's: private ranges are its to use; a process
          // applies its own policy when it publishes and when it reads (`servedEndpoint`).
          checkEndpointUrl(call.args.url, { allowPrivate: true });
        } catch (error) {
          fail(name, 'InvalidIpAddress', describeCause(error));
        }
        this.#sql('UPDATE neurons SET endpoint = ? WHERE netuid = ? AND uid = ?').run(
          call.args.url,
          row.netuid,
          row.uid,
        );
        return;
      }
      case 'addStake': {
        const rao = BigInt(call.args.rao);
        const row = this.#stakedNeuron(name, call.args.netuid, call.args.hotkey);
        if (rao === 0n) fail(name, 'AmountTooLow');
        const free = this.free(signer);
        if (free < rao) fail(name, 'NotEnoughBalanceToStake', `${free} rao free, ${rao} asked`);
        if (BigInt(row.stake) + rao > U64_MAX) fail(name, 'StakeOverflow');
        this.#setFree(signer, free - rao);
        this.#moveStake(row, signer, rao);
        return;
      }
      case 'removeStake': {
        const rao = BigInt(call.args.rao);
        const row = this.#stakedNeuron(name, call.args.netuid, call.args.hotkey);
        if (rao === 0n) fail(name, 'AmountTooLow');
        // Only what this coldkey staked on the neuron comes back to it.
        const mine =
          this.#stakesOn(row.netuid, row.hotkey).find((s) => s.coldkey === signer)?.rao ?? 0n;
        if (mine < rao)
          fail(name, 'NotEnoughStakeToWithdraw', `${mine} rao staked by ${signer}, ${rao} asked`);
        const free = this.free(signer);
        if (free + rao > U64_MAX) fail(name, 'BalanceOverflow');
        this.#moveStake(row, signer, -rao);
        this.#setFree(signer, free + rao);
        return;
      }
      case 'setWeights': {
        const subnet = this.subnetRow(call.args.netuid, name);
        if (paramsOf(subnet).commitRevealEnabled) fail(name, 'CommitRevealEnabled');
        this.#storeWeights(name, subnet, signer, call.args);
        return;
      }
      case 'commitWeights': {
        const subnet = this.subnetRow(call.args.netuid, name);
        if (!paramsOf(subnet).commitRevealEnabled) fail(name, 'CommitRevealDisabled');
        if (!this.neuronOf(subnet.netuid, signer)) fail(name, 'HotKeyNotRegisteredInSubNet');
        this.#expireCommits(subnet);
        const { pending } = this.#sql(
          'SELECT COUNT(*) AS pending FROM commits WHERE netuid = ? AND hotkey = ?',
        ).get(subnet.netuid, signer) as { pending: number };
        if (pending >= 10) fail(name, 'TooManyUnrevealedCommits');
        this.#sql(
          'INSERT OR REPLACE INTO commits (netuid, hotkey, hash, block) VALUES (?, ?, ?, ?)',
        ).run(subnet.netuid, signer, call.args.hash, this.block());
        return;
      }
      case 'revealWeights': {
        const subnet = this.subnetRow(call.args.netuid, name);
        const params = paramsOf(subnet);
        if (!params.commitRevealEnabled) fail(name, 'CommitRevealDisabled');
        this.#expireCommits(subnet);
        const commits = this.#sql(
          'SELECT hash, block FROM commits WHERE netuid = ? AND hotkey = ? ORDER BY block',
        ).all(subnet.netuid, signer) as { hash: string; block: number }[];
        if (commits.length === 0) fail(name, 'NoWeightsCommitFound');
        const reveal = {
          uids: call.args.uids,
          values: call.args.values,
          salt: call.args.salt,
          versionKey: BigInt(call.args.versionKey),
        };
        const hash = weightCommitHash(signer, subnet.netuid, reveal);
        const commit = commits.find((c) => c.hash === hash);
        if (!commit) fail(name, 'InvalidRevealCommitHashNotMatch');
        const now = epochIndex(this.block(), subnet.netuid, params.tempo);
        if (
          now <
          epochIndex(commit.block, subnet.netuid, params.tempo) + params.commitRevealPeriod
        ) {
          fail(name, 'RevealTooEarly');
        }
        this.#storeWeights(name, subnet, signer, call.args);
        this.#sql('DELETE FROM commits WHERE netuid = ? AND hotkey = ? AND hash = ?').run(
          subnet.netuid,
          signer,
          hash,
        );
        return;
      }
    }
  }

  #claimHotkey(call: string, coldkey: string, hotkey: string): void {
    const owner = this.coldkeyOf(hotkey);
    if (owner !== undefined && owner !== coldkey) {
      fail(call, 'NonAssociatedColdKey', `hotkey ${hotkey} belongs to another coldkey`);
    }
    if (owner === undefined) {
      this.#sql('INSERT INTO hotkeys (hotkey, coldkey) VALUES (?, ?)').run(hotkey, coldkey);
    }
  }

  /** The neuron a stake call names, or the chain's error for one that is not there. */
  #stakedNeuron(call: string, netuid: number, hotkeyAddress: string): NeuronRow {
    const hotkey = checkAddress(call, hotkeyAddress);
    return (
      this.neuronOf(netuid, hotkey) ??
      fail(call, 'HotKeyNotRegisteredInSubNet', `${hotkey} is not on subnet ${netuid}`)
    );
  }

  #register(coldkey: string, netuid: number, hotkey: string): void {
    const call = 'register';
    const subnet = this.subnetRow(netuid, call);
    const params = paramsOf(subnet);
    if (this.neuronOf(netuid, hotkey)) fail(call, 'HotKeyAlreadyRegisteredInSubNet');
    const block = this.block();
    const intervalStart =
      block - subnet.regs_interval_start >= REGISTRATION_INTERVAL
        ? block
        : subnet.regs_interval_start;
    const inInterval = intervalStart === subnet.regs_interval_start ? subnet.regs_this_interval : 0;
    const inBlock = subnet.regs_block === block ? subnet.regs_this_block : 0;
    if (inBlock >= params.maxRegistrationsPerBlock) fail(call, 'TooManyRegistrationsThisBlock');
    if (inInterval >= params.targetRegistrationsPerInterval * 3) {
      fail(call, 'TooManyRegistrationsThisInterval');
    }
    this.#claimHotkey(call, coldkey, hotkey);
    const rows = this.neuronRows(netuid);
    let uid = rows.length;
    if (rows.length >= params.maxAllowedUids) {
      // As subtensor: the UID out of its immunity period with the lowest
      // emission (then the oldest) is replaced, never the owner's; each
      // coldkey's stake on it returns to that coldkey.
      const candidates = rows.filter(
        (r) => r.hotkey !== subnet.owner_hotkey && block - r.registered_at >= params.immunityPeriod,
      );
      const pruned = candidates.sort(
        (a, b) =>
          Number(BigInt(a.emission) - BigInt(b.emission)) || a.registered_at - b.registered_at,
      )[0];
      if (!pruned) fail(call, 'NoNeuronIdAvailable', 'every UID is within its immunity period');
      for (const { coldkey: staker, rao } of this.#stakesOn(netuid, pruned.hotkey)) {
        const back = this.free(staker) + rao;
        this.#setFree(staker, back > U64_MAX ? U64_MAX : back);
      }
      this.#sql('DELETE FROM stakes WHERE netuid = ? AND hotkey = ?').run(netuid, pruned.hotkey);
      this.#sql('DELETE FROM neurons WHERE netuid = ? AND uid = ?').run(netuid, pruned.uid);
      this.#sql('DELETE FROM commits WHERE netuid = ? AND hotkey = ?').run(netuid, pruned.hotkey);
      uid = pruned.uid;
    }
    this.#insertNeuron(netuid, uid, hotkey, block);
    this.#sql(
      `UPDATE subnets SET regs_interval_start = ?, regs_this_interval = ?, regs_block = ?, regs_this_block = ?
         WHERE netuid = ?`,
    ).run(intervalStart, inInterval + 1, block, inBlock + 1, netuid);
  }

  #insertNeuron(netuid: number, uid: number, hotkey: string, block: number): void {
    this.#sql(
      `INSERT INTO neurons (netuid, uid, hotkey, stake, endpoint, registered_at, last_update, permit,
           weights, bonds, consensus, incentive, dividends, trust, emission)
         VALUES (?, ?, ?, '0', '', ?, ?, 0, '[]', '[]', 0, 0, 0, 0, '0')`,
    ).run(netuid, uid, hotkey, block, block);
  }

  #storeWeights(
    call: string,
    subnet: SubnetRow,
    hotkey: string,
    args: { uids: number[]; values: number[]; versionKey: string },
  ): void {
    const params = paramsOf(subnet);
    const row = this.neuronOf(subnet.netuid, hotkey);
    if (!row) fail(call, 'HotKeyNotRegisteredInSubNet');
    if (BigInt(args.versionKey) < params.weightsVersionKey) fail(call, 'IncorrectWeightVersionKey');
    if (args.uids.length !== args.values.length) fail(call, 'WeightVecNotEqualSize');
    if (new Set(args.uids).size !== args.uids.length) fail(call, 'DuplicateUids');
    const n = this.neuronRows(subnet.netuid).length;
    if (args.uids.some((uid) => uid >= n)) fail(call, 'UidVecContainInvalidOne');
    const selfOnly = args.uids.length === 1 && args.uids[0] === row.uid;
    if (!selfOnly && row.permit !== 1) fail(call, 'NeuronNoValidatorPermit');
    const block = this.block();
    if (
      row.last_update !== row.registered_at &&
      block - row.last_update < params.weightsRateLimit
    ) {
      fail(call, 'SettingWeightsTooFast', `last update at block ${row.last_update}`);
    }
    const stored = maxUpscaleU16(args.values);
    const entries: U16Entry[] = args.uids
      .map((uid, i): U16Entry => [uid, stored[i] ?? 0])
      .filter(([, value]) => value > 0)
      .sort((a, b) => a[0] - b[0]);
    this.#sql('UPDATE neurons SET weights = ?, last_update = ? WHERE netuid = ? AND uid = ?').run(
      JSON.stringify(entries),
      block,
      subnet.netuid,
      row.uid,
    );
  }

  /** Drops commits whose reveal epoch has passed, as subtensor does when it next reads them. */
  #expireCommits(subnet: SubnetRow): void {
    const { tempo, commitRevealPeriod } = paramsOf(subnet);
    const now = epochIndex(this.block(), subnet.netuid, tempo);
    const commits = this.#sql('SELECT hotkey, hash, block FROM commits WHERE netuid = ?').all(
      subnet.netuid,
    ) as { hotkey: string; hash: string; block: number }[];
    const drop = this.#sql('DELETE FROM commits WHERE netuid = ? AND hotkey = ? AND hash = ?');
    for (const c of commits) {
      if (now > epochIndex(c.block, subnet.netuid, tempo) + commitRevealPeriod) {
        drop.run(subnet.netuid, c.hotkey, c.hash);
      }
    }
  }

  /** Produces one block: each subnet accrues its share of the block emission and runs its epoch when due. */
  produceBlock(): number[] {
    this.#sql('UPDATE chain SET block = block + 1 WHERE id = 0').run();
    const block = this.block();
    const { block_emission } = this.#sql('SELECT block_emission FROM chain WHERE id = 0').get() as {
      block_emission: string;
    };
    const subnets = this.#sql('SELECT * FROM subnets ORDER BY netuid').all() as SubnetRow[];
    const share = subnets.length === 0 ? 0n : BigInt(block_emission) / BigInt(subnets.length);
    const epochs: number[] = [];
    for (const subnet of subnets) {
      const pending = BigInt(subnet.pending_emission) + share;
      if (isEpochBlock(block, subnet.netuid, paramsOf(subnet).tempo)) {
        this.#epoch(subnet, block, pending);
        epochs.push(subnet.netuid);
      } else {
        this.#sql('UPDATE subnets SET pending_emission = ? WHERE netuid = ?').run(
          pending.toString(),
          subnet.netuid,
        );
      }
    }
    return epochs;
  }

  #epoch(subnet: SubnetRow, block: number, emission: bigint): void {
    this.#sql("UPDATE subnets SET pending_emission = '0' WHERE netuid = ?").run(subnet.netuid);
    const rows = this.neuronRows(subnet.netuid);
    if (rows.length === 0) return;
    const params = paramsOf(subnet);
    const commitBlocks = new Map<string, number>();
    for (const c of this.#sql(
      'SELECT hotkey, MIN(block) AS block FROM commits WHERE netuid = ? GROUP BY hotkey',
    ).all(subnet.netuid) as { hotkey: string; block: number }[]) {
      commitBlocks.set(c.hotkey, c.block);
    }
    const yuma: YumaParams = {
      // Subtensor's defaults for what the local chain does not make configurable.
      ...YUMA_DEFAULTS,
      commitReveal: params.commitRevealEnabled,
      raoEmission: emission,
      tempo: params.tempo,
      activityCutoffBlocks: params.activityCutoff,
      maxAllowedValidators: params.maxAllowedValidators,
    };
    // UIDs are dense from 0 in the table (a replaced UID keeps its number).
    const result = runEpoch(yuma, {
      n: rows.length,
      stake: rows.map((r) => BigInt(r.stake)),
      blockAtRegistration: rows.map((r) => r.registered_at),
      lastUpdate: rows.map((r) => r.last_update),
      validatorPermit: rows.map((r) => r.permit === 1),
      weights: rows.map((r) => parseJson(r.weights, storedU16EntriesSchema)),
      bonds: rows.map((r) => parseJson(r.bonds, storedU16EntriesSchema)),
      currentBlock: block,
      lastMechanismStepBlock: 0,
      commitBlocks: rows.map((r) => commitBlocks.get(r.hotkey) ?? null),
    });
    const update = this.#sql(
      `UPDATE neurons SET permit = ?, bonds = ?, consensus = ?, incentive = ?, dividends = ?, trust = ?,
         emission = ?, stake = ? WHERE netuid = ? AND uid = ?`,
    );
    rows.forEach((row, i) => {
      const paid = result.emission[i] ?? 0n;
      // Emission is staked to the hotkey that earned it, as on subtensor, in its
      // owner's share of that stake; a total at the u64 ceiling takes no more.
      const room = U64_MAX - BigInt(row.stake);
      const credited = paid < room ? paid : room;
      const stake = BigInt(row.stake) + credited;
      const owner = this.coldkeyOf(row.hotkey);
      if (owner !== undefined && credited > 0n)
        this.#addToStakeOf(subnet.netuid, row.hotkey, owner, credited);
      update.run(
        result.state.validatorPermit[i] ? 1 : 0,
        JSON.stringify(result.state.bonds[i] ?? []),
        storedRatio(result.consensus[i]),
        storedRatio(result.incentive[i]),
        storedRatio(result.dividends[i]),
        storedRatio(result.validatorTrust[i]),
        paid.toString(),
        stake.toString(),
        subnet.netuid,
        row.uid,
      );
    });
  }
}

function fail(call: string, chainError: string, detail?: string): never {
  throw new ChainCallFailedError(`local.${call}`, chainError, detail);
}

function checkAddress(call: string, address: string): string {
  return canonicalAddress(address, `${call}.address`);
}

/** An I32F32 ratio as the u16 proportion subtensor stores, read back as a float. */
function storedRatio(raw: number | undefined): number {
  return toU16Proportion(raw ?? 0) / 65_535;
}

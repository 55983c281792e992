import { parseJson } from '@mt/protocol';
import {
  maxUpscaleU16,
  runEpoch,
  toFloat,
  type U16Entry,
  type YumaParams,
  type YumaState,
} from '@mt/scoring';
import Database from 'better-sqlite3';
import type {
  ChainClient,
  EpochRecord,
  Neuron,
  SubnetConfig,
  WeightReveal,
} from './chain-client.js';
import { weightCommitHash } from './chain-client.js';
import { ChainRejectedError } from './errors.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chain (id INTEGER PRIMARY KEY CHECK (id = 0), block INTEGER NOT NULL);
INSERT OR IGNORE INTO chain (id, block) VALUES (0, 0);
CREATE TABLE IF NOT EXISTS subnets (
  netuid INTEGER PRIMARY KEY, name TEXT NOT NULL, tempo INTEGER NOT NULL, emission TEXT NOT NULL,
  commit_reveal INTEGER NOT NULL, reveal_delay INTEGER NOT NULL, last_epoch INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS neurons (
  netuid INTEGER NOT NULL, uid INTEGER NOT NULL, hotkey TEXT NOT NULL, url TEXT NOT NULL,
  stake TEXT NOT NULL, registered_at INTEGER NOT NULL, last_update INTEGER NOT NULL,
  permit INTEGER NOT NULL, weights TEXT NOT NULL, bonds TEXT NOT NULL,
  PRIMARY KEY (netuid, uid), UNIQUE (netuid, hotkey));
CREATE TABLE IF NOT EXISTS commits (
  netuid INTEGER NOT NULL, uid INTEGER NOT NULL, hash TEXT NOT NULL, block INTEGER NOT NULL,
  PRIMARY KEY (netuid, uid));
CREATE TABLE IF NOT EXISTS epochs (netuid INTEGER NOT NULL, block INTEGER NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY (netuid, block));
CREATE TABLE IF NOT EXISTS ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT, netuid INTEGER NOT NULL, block INTEGER NOT NULL,
  hotkey TEXT NOT NULL, rao TEXT NOT NULL);
`;

interface NeuronRow {
  netuid: number;
  uid: number;
  hotkey: string;
  url: string;
  stake: string;
  registered_at: number;
  last_update: number;
  permit: number;
  weights: string;
  bonds: string;
}

interface SubnetRow {
  netuid: number;
  name: string;
  tempo: number;
  emission: string;
  commit_reveal: number;
  reveal_delay: number;
  last_epoch: number;
}

/** Epoch hyperparameters shared by the local chain's subnets (Bittensor's defaults, classic Yuma). */
const EPOCH_DEFAULTS = {
  kappaU16: 32767,
  bondsPenaltyU16: 65535,
  bondsMovingAverage: 900_000,
  liquidAlpha: { enabled: false, alphaLowU16: 45875, alphaHighU16: 58982, sigmoidSteepness: 1000 },
  yuma3: false,
  stakeThreshold: 0n,
  ownerUid: null,
  activityCutoffBlocks: 5000,
  maxAllowedValidators: 64,
} as const;

function reject(field: string, problem: string): never {
  throw new ChainRejectedError(field, problem);
}

/**
 * A local chain on one SQLite file: subnets, registrations, stake,
 * weights (direct or commit-reveal), Yuma epochs through `@mt/scoring`
 * (bit-exact with Bittensor's) run when a subnet's tempo comes round, and a
 * ledger of every rao paid. Every call is one transaction, so a crash never
 * leaves half an epoch; a restarted process (or a second one) reads the same
 * state.
 *
 * @example
 * ```ts
 * const chain = LocalChain.open('chain.sqlite');
 * chain.createSubnet({ netuid: 1, name: 'text', tempo: 10, emissionPerEpoch: 1_000_000_000n });
 * const uid = await chain.register(1, minerHotkey.address, 'http://127.0.0.1:8091');
 * chain.advanceBlocks(10); // runs the epoch
 * ```
 */
export class LocalChain implements ChainClient {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (or creates) the chain stored in `file` (`:memory:` for a throwaway one). */
  static open(file: string): LocalChain {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new LocalChain(db);
  }

  close(): void {
    this.#db.close();
  }

  #block(): number {
    return (this.#db.prepare('SELECT block FROM chain WHERE id = 0').get() as { block: number })
      .block;
  }

  async currentBlock(): Promise<number> {
    return this.#block();
  }

  /** Creates a subnet (or updates its configuration). */
  createSubnet(
    config: Omit<SubnetConfig, 'commitReveal' | 'revealDelayBlocks'> & Partial<SubnetConfig>,
  ): SubnetConfig {
    const full: SubnetConfig = { commitReveal: true, revealDelayBlocks: 1, ...config };
    if (!Number.isInteger(full.netuid) || full.netuid < 0)
      reject('netuid', 'must be a non-negative integer');
    if (!Number.isInteger(full.tempo) || full.tempo < 1)
      reject('tempo', 'must be a positive integer');
    if (full.emissionPerEpoch < 0n) reject('emissionPerEpoch', 'must not be negative');
    this.#db
      .prepare(
        `INSERT INTO subnets (netuid, name, tempo, emission, commit_reveal, reveal_delay, last_epoch)
         VALUES (@netuid, @name, @tempo, @emission, @commitReveal, @revealDelay, @block)
         ON CONFLICT (netuid) DO UPDATE SET name = excluded.name, tempo = excluded.tempo,
           emission = excluded.emission, commit_reveal = excluded.commit_reveal, reveal_delay = excluded.reveal_delay`,
      )
      .run({
        netuid: full.netuid,
        name: full.name,
        tempo: full.tempo,
        emission: full.emissionPerEpoch.toString(),
        commitReveal: full.commitReveal ? 1 : 0,
        revealDelay: full.revealDelayBlocks,
        block: this.#block(),
      });
    return full;
  }

  #subnetRow(netuid: number): SubnetRow {
    const row = this.#db.prepare('SELECT * FROM subnets WHERE netuid = ?').get(netuid) as
      | SubnetRow
      | undefined;
    return row ?? reject('netuid', `no subnet ${netuid}; create it first`);
  }

  async subnet(netuid: number): Promise<SubnetConfig> {
    const row = this.#subnetRow(netuid);
    return {
      netuid: row.netuid,
      name: row.name,
      tempo: row.tempo,
      emissionPerEpoch: BigInt(row.emission),
      commitReveal: row.commit_reveal === 1,
      revealDelayBlocks: row.reveal_delay,
    };
  }

  #rows(netuid: number): NeuronRow[] {
    return this.#db
      .prepare('SELECT * FROM neurons WHERE netuid = ? ORDER BY uid')
      .all(netuid) as NeuronRow[];
  }

  #neuron(netuid: number, hotkey: string): NeuronRow {
    const row = this.#db
      .prepare('SELECT * FROM neurons WHERE netuid = ? AND hotkey = ?')
      .get(netuid, hotkey) as NeuronRow | undefined;
    return row ?? reject('hotkey', `${hotkey} is not registered on subnet ${netuid}`);
  }

  async register(netuid: number, hotkey: string, url = ''): Promise<number> {
    if (hotkey === '') reject('hotkey', 'must not be empty');
    return this.#db.transaction(() => {
      this.#subnetRow(netuid);
      const existing = this.#db
        .prepare('SELECT uid FROM neurons WHERE netuid = ? AND hotkey = ?')
        .get(netuid, hotkey) as { uid: number } | undefined;
      if (existing) {
        this.#db
          .prepare('UPDATE neurons SET url = ? WHERE netuid = ? AND uid = ?')
          .run(url, netuid, existing.uid);
        return existing.uid;
      }
      const uid = (
        this.#db.prepare('SELECT COUNT(*) AS n FROM neurons WHERE netuid = ?').get(netuid) as {
          n: number;
        }
      ).n;
      this.#db
        .prepare(
          `INSERT INTO neurons (netuid, uid, hotkey, url, stake, registered_at, last_update, permit, weights, bonds)
           VALUES (?, ?, ?, ?, '0', ?, ?, 0, '[]', '[]')`,
        )
        .run(netuid, uid, hotkey, url, this.#block(), this.#block());
      return uid;
    })();
  }

  async addStake(netuid: number, hotkey: string, rao: bigint): Promise<void> {
    if (rao <= 0n) reject('rao', 'must be positive');
    this.#db.transaction(() => {
      const row = this.#neuron(netuid, hotkey);
      this.#db
        .prepare('UPDATE neurons SET stake = ? WHERE netuid = ? AND uid = ?')
        .run((BigInt(row.stake) + rao).toString(), netuid, row.uid);
    })();
  }

  async neurons(netuid: number): Promise<Neuron[]> {
    this.#subnetRow(netuid);
    return this.#rows(netuid).map((row) => ({
      netuid,
      uid: row.uid,
      hotkey: row.hotkey,
      url: row.url,
      stake: BigInt(row.stake),
      registeredAtBlock: row.registered_at,
      lastUpdate: row.last_update,
      validatorPermit: row.permit === 1,
    }));
  }

  #storeWeights(netuid: number, row: NeuronRow, uids: number[], weights: number[]): void {
    const n = this.#rows(netuid).length;
    if (uids.length !== weights.length)
      reject('weights', `${uids.length} UIDs but ${weights.length} values`);
    if (new Set(uids).size !== uids.length) reject('uids', 'contain a UID twice');
    uids.forEach((uid, i) => {
      if (!Number.isInteger(uid) || uid < 0 || uid >= n) reject(`uids[${i}]`, `unknown UID ${uid}`);
    });
    weights.forEach((w, i) => {
      if (!Number.isInteger(w) || w < 0 || w > 65535) reject(`weights[${i}]`, `${w} is not a u16`);
    });
    const stored = maxUpscaleU16(weights);
    const entries: U16Entry[] = uids
      .map((uid, i): U16Entry => [uid, stored[i] ?? 0])
      .sort((a, b) => a[0] - b[0]);
    this.#db
      .prepare('UPDATE neurons SET weights = ?, last_update = ? WHERE netuid = ? AND uid = ?')
      .run(JSON.stringify(entries), this.#block(), netuid, row.uid);
  }

  async setWeights(
    netuid: number,
    hotkey: string,
    uids: number[],
    weights: number[],
  ): Promise<void> {
    this.#db.transaction(() => {
      if (this.#subnetRow(netuid).commit_reveal === 1) {
        reject('setWeights', `subnet ${netuid} uses commit-reveal; commit a hash, then reveal`);
      }
      this.#storeWeights(netuid, this.#neuron(netuid, hotkey), uids, weights);
    })();
  }

  async weightsOf(netuid: number, hotkey: string): Promise<Map<number, number>> {
    return new Map(parseJson(this.#neuron(netuid, hotkey).weights) as U16Entry[]);
  }

  async commitWeights(netuid: number, hotkey: string, hash: string): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(hash))
      reject('hash', 'must be 64 lower-case hex digits (see weightCommitHash)');
    this.#db.transaction(() => {
      const row = this.#neuron(netuid, hotkey);
      this.#db
        .prepare('INSERT OR REPLACE INTO commits (netuid, uid, hash, block) VALUES (?, ?, ?, ?)')
        .run(netuid, row.uid, hash, this.#block());
    })();
  }

  async revealWeights(netuid: number, hotkey: string, reveal: WeightReveal): Promise<void> {
    this.#db.transaction(() => {
      const subnet = this.#subnetRow(netuid);
      const row = this.#neuron(netuid, hotkey);
      const commit = this.#db
        .prepare('SELECT hash, block FROM commits WHERE netuid = ? AND uid = ?')
        .get(netuid, row.uid) as { hash: string; block: number } | undefined;
      if (!commit) reject('reveal', `${hotkey} has no pending commit`);
      if (this.#block() < commit.block + subnet.reveal_delay) {
        reject(
          'reveal',
          `too early: committed at block ${commit.block}, reveal from block ${commit.block + subnet.reveal_delay}`,
        );
      }
      if (weightCommitHash(netuid, hotkey, reveal) !== commit.hash)
        reject('reveal', 'does not match the committed hash');
      this.#storeWeights(netuid, row, reveal.uids, reveal.weights);
      this.#db.prepare('DELETE FROM commits WHERE netuid = ? AND uid = ?').run(netuid, row.uid);
    })();
  }

  /** Moves the chain forward, running every epoch that comes due on the way; returns them. */
  advanceBlocks(count: number): EpochRecord[] {
    if (!Number.isInteger(count) || count < 1) reject('count', 'must be a positive integer');
    const records: EpochRecord[] = [];
    for (let i = 0; i < count; i += 1) {
      this.#db.transaction(() => {
        this.#db.prepare('UPDATE chain SET block = block + 1 WHERE id = 0').run();
        const block = this.#block();
        const due = this.#db
          .prepare('SELECT * FROM subnets WHERE ? - last_epoch >= tempo')
          .all(block) as SubnetRow[];
        for (const subnet of due) {
          const record = this.#epoch(subnet, block);
          if (record) records.push(record);
        }
      })();
    }
    return records;
  }

  #epoch(subnet: SubnetRow, block: number): EpochRecord | undefined {
    this.#db
      .prepare('UPDATE subnets SET last_epoch = ? WHERE netuid = ?')
      .run(block, subnet.netuid);
    const rows = this.#rows(subnet.netuid);
    if (rows.length === 0) return undefined;
    const pending = new Map(
      (
        this.#db.prepare('SELECT uid, block FROM commits WHERE netuid = ?').all(subnet.netuid) as {
          uid: number;
          block: number;
        }[]
      ).map((c) => [c.uid, c.block]),
    );
    const params: YumaParams = {
      ...EPOCH_DEFAULTS,
      commitReveal: subnet.commit_reveal === 1,
      raoEmission: BigInt(subnet.emission),
      tempo: subnet.tempo,
    };
    const state: YumaState = {
      n: rows.length,
      stake: rows.map((r) => BigInt(r.stake)),
      blockAtRegistration: rows.map((r) => r.registered_at),
      lastUpdate: rows.map((r) => r.last_update),
      validatorPermit: rows.map((r) => r.permit === 1),
      weights: rows.map((r) => parseJson(r.weights) as U16Entry[]),
      bonds: rows.map((r) => parseJson(r.bonds) as U16Entry[]),
      currentBlock: block,
      lastMechanismStepBlock: 0,
      commitBlocks: rows.map((r) => pending.get(r.uid) ?? null),
    };
    const result = runEpoch(params, state);
    const update = this.#db.prepare(
      'UPDATE neurons SET permit = ?, bonds = ? WHERE netuid = ? AND uid = ?',
    );
    const pay = this.#db.prepare(
      'INSERT INTO ledger (netuid, block, hotkey, rao) VALUES (?, ?, ?, ?)',
    );
    rows.forEach((row, i) => {
      update.run(
        result.state.validatorPermit[i] ? 1 : 0,
        JSON.stringify(result.state.bonds[i] ?? []),
        subnet.netuid,
        row.uid,
      );
      const rao = result.emission[i] ?? 0n;
      if (rao > 0n) pay.run(subnet.netuid, block, row.hotkey, rao.toString());
    });
    const record: EpochRecord = {
      netuid: subnet.netuid,
      block,
      uids: rows.map((r) => r.uid),
      hotkeys: rows.map((r) => r.hotkey),
      consensus: result.consensus.map(toFloat),
      incentive: result.incentive.map(toFloat),
      dividends: result.dividends.map(toFloat),
      validatorTrust: result.validatorTrust.map(toFloat),
      emission: result.emission,
    };
    this.#db.prepare('INSERT INTO epochs (netuid, block, record) VALUES (?, ?, ?)').run(
      subnet.netuid,
      block,
      JSON.stringify(record, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
    return record;
  }

  async epochs(netuid: number, limit = 1_000): Promise<EpochRecord[]> {
    this.#subnetRow(netuid);
    const rows = this.#db
      .prepare(
        'SELECT record FROM (SELECT * FROM epochs WHERE netuid = ? ORDER BY block DESC LIMIT ?) ORDER BY block',
      )
      .all(netuid, limit) as { record: string }[];
    return rows.map(({ record }) => {
      const parsed = parseJson(record) as Omit<EpochRecord, 'emission'> & { emission: string[] };
      return { ...parsed, emission: parsed.emission.map(BigInt) };
    });
  }

  async earnings(netuid: number): Promise<Map<string, bigint>> {
    this.#subnetRow(netuid);
    const totals = new Map<string, bigint>();
    for (const { hotkey, rao } of this.#db
      .prepare('SELECT hotkey, rao FROM ledger WHERE netuid = ?')
      .all(netuid) as {
      hotkey: string;
      rao: string;
    }[]) {
      totals.set(hotkey, (totals.get(hotkey) ?? 0n) + BigInt(rao));
    }
    return totals;
  }
}

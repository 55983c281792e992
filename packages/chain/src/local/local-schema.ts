import { z } from 'zod';
import type { SubnetHyperparameters } from '../contract/chain-client.js';

/**
 * The embedded chain's tables. Amounts are decimal TEXT (u64 does not fit a
 * JS number); weights and bonds are JSON arrays of `[uid, u16]`. A neuron's
 * `stake` is the total of its `stakes` rows, one per coldkey that staked on
 * it; `network` holds subnet creation's lock and rate limit, as subtensor's
 * `NetworkLastLockCost`, `NetworkMinLockCost` and `NetworkRateLimit`.
 */
export const LOCAL_CHAIN_SCHEMA = `
CREATE TABLE IF NOT EXISTS chain (
  id INTEGER PRIMARY KEY CHECK (id = 0), genesis TEXT NOT NULL, sudo TEXT NOT NULL,
  block INTEGER NOT NULL, block_emission TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (address TEXT PRIMARY KEY, free TEXT NOT NULL, nonce INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hotkeys (hotkey TEXT PRIMARY KEY, coldkey TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subnets (
  netuid INTEGER PRIMARY KEY, owner TEXT NOT NULL, owner_hotkey TEXT NOT NULL, params TEXT NOT NULL, pending_emission TEXT NOT NULL,
  registered_at INTEGER NOT NULL, regs_interval_start INTEGER NOT NULL, regs_this_interval INTEGER NOT NULL,
  regs_block INTEGER NOT NULL, regs_this_block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS neurons (
  netuid INTEGER NOT NULL, uid INTEGER NOT NULL, hotkey TEXT NOT NULL, stake TEXT NOT NULL,
  endpoint TEXT NOT NULL, registered_at INTEGER NOT NULL, last_update INTEGER NOT NULL,
  permit INTEGER NOT NULL, weights TEXT NOT NULL, bonds TEXT NOT NULL,
  consensus REAL NOT NULL, incentive REAL NOT NULL, dividends REAL NOT NULL, trust REAL NOT NULL,
  emission TEXT NOT NULL,
  PRIMARY KEY (netuid, uid), UNIQUE (netuid, hotkey));
CREATE TABLE IF NOT EXISTS stakes (
  netuid INTEGER NOT NULL, hotkey TEXT NOT NULL, coldkey TEXT NOT NULL, rao TEXT NOT NULL,
  PRIMARY KEY (netuid, hotkey, coldkey));
CREATE TABLE IF NOT EXISTS network (
  id INTEGER PRIMARY KEY CHECK (id = 0), min_lock TEXT NOT NULL, last_lock TEXT NOT NULL,
  last_lock_block INTEGER NOT NULL, rate_limit INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS subnet_locks (netuid INTEGER PRIMARY KEY, coldkey TEXT NOT NULL, rao TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commits (
  netuid INTEGER NOT NULL, hotkey TEXT NOT NULL, hash TEXT NOT NULL, block INTEGER NOT NULL,
  PRIMARY KEY (netuid, hotkey, hash));
`;

/** A row of `neurons`. */
export interface NeuronRow {
  netuid: number;
  uid: number;
  hotkey: string;
  stake: string;
  endpoint: string;
  registered_at: number;
  last_update: number;
  permit: number;
  weights: string;
  bonds: string;
  consensus: number;
  incentive: number;
  dividends: number;
  trust: number;
  emission: string;
}

/** A row of `subnets`. */
export interface SubnetRow {
  netuid: number;
  owner: string;
  owner_hotkey: string;
  params: string;
  pending_emission: string;
  registered_at: number;
  regs_interval_start: number;
  regs_this_interval: number;
  regs_block: number;
  regs_this_block: number;
}

/** A subnet row's `params`: its hyperparameters, the version key as decimal text (u64). */
export const storedParamsSchema = z.object({
  tempo: z.int(),
  commitRevealEnabled: z.boolean(),
  commitRevealPeriod: z.int(),
  weightsRateLimit: z.int(),
  maxAllowedUids: z.int(),
  maxAllowedValidators: z.int(),
  immunityPeriod: z.int(),
  targetRegistrationsPerInterval: z.int(),
  maxRegistrationsPerBlock: z.int(),
  weightsVersionKey: z
    .string()
    .regex(/^\d{1,20}$/)
    .transform((text) => BigInt(text)),
  activityCutoff: z.int(),
  // Files written before the field existed had no bond reset.
  bondsResetEnabled: z.boolean().default(false),
}) satisfies z.ZodType<SubnetHyperparameters, unknown>;

/** A neuron row's `weights` or `bonds`: `[uid, u16]` pairs. */
export const storedU16EntriesSchema = z.array(
  z.tuple([z.int().min(0), z.int().min(0).max(65_535)]),
);

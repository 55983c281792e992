import type { ApiPromise } from '@polkadot/api';

import { ChainRuntimeError } from '../errors.js';

/**
 * The SCALE layouts of subtensor's runtime-API answers that return `Vec<u8>`
 * (specs 202 to 2xx): the runtime encodes the struct, then returns the bytes
 * as a `Vec<u8>`, so the answer carries two length prefixes and the metadata
 * says nothing about what is inside. Field names are subtensor's, in
 * polkadot-js's camelCase, so an answer that newer runtimes type in their
 * metadata reads through the same accessors.
 *
 * The axon and Prometheus records inside are the runtime's own storage types,
 * read from its metadata: their field order differs between runtimes (spec
 * 202 stores the port before the IP).
 *
 * A layout that changed upstream shows as bytes left over or missing: every
 * decode is pedantic (the decoded value must re-encode to exactly the bytes
 * received), so a wrong layout is an error, never a misread field.
 */
/** The fields every `SubnetState` layout begins with: per-UID vectors up to the registration blocks. */
const SUBNET_STATE = {
  netuid: 'Compact<u16>',
  hotkeys: 'Vec<AccountId32>',
  coldkeys: 'Vec<AccountId32>',
  active: 'Vec<bool>',
  validatorPermit: 'Vec<bool>',
  pruningScore: 'Vec<Compact<u16>>',
  lastUpdate: 'Vec<Compact<u64>>',
  emission: 'Vec<Compact<u64>>',
  dividends: 'Vec<Compact<u16>>',
  incentives: 'Vec<Compact<u16>>',
  consensus: 'Vec<Compact<u16>>',
  trust: 'Vec<Compact<u16>>',
  rank: 'Vec<Compact<u16>>',
  blockAtRegistration: 'Vec<Compact<u64>>',
} as const;

/** `SubnetHyperparams` before liquid alpha; later layouts add fields after these. */
const HYPERPARAMS = {
  rho: 'Compact<u16>',
  kappa: 'Compact<u16>',
  immunityPeriod: 'Compact<u16>',
  minAllowedWeights: 'Compact<u16>',
  maxWeightsLimit: 'Compact<u16>',
  tempo: 'Compact<u16>',
  minDifficulty: 'Compact<u64>',
  maxDifficulty: 'Compact<u64>',
  weightsVersion: 'Compact<u64>',
  weightsRateLimit: 'Compact<u64>',
  adjustmentInterval: 'Compact<u16>',
  activityCutoff: 'Compact<u16>',
  registrationAllowed: 'bool',
  targetRegsPerInterval: 'Compact<u16>',
  minBurn: 'Compact<u64>',
  maxBurn: 'Compact<u64>',
  bondsMovingAvg: 'Compact<u64>',
  maxRegsPerBlock: 'Compact<u16>',
  servingRateLimit: 'Compact<u64>',
  maxValidators: 'Compact<u16>',
  adjustmentAlpha: 'Compact<u64>',
  difficulty: 'Compact<u64>',
  commitRevealWeightsInterval: 'Compact<u64>',
  commitRevealWeightsEnabled: 'bool',
} as const;

const LAYOUTS = {
  MtAxonInfo: {
    block: 'u64',
    version: 'u32',
    ip: 'u128',
    port: 'u16',
    ipType: 'u8',
    protocol: 'u8',
    placeholder1: 'u8',
    placeholder2: 'u8',
  },
  MtPrometheusInfo: { block: 'u64', version: 'u32', ip: 'u128', port: 'u16', ipType: 'u8' },
  MtNeuronInfoLite: {
    hotkey: 'AccountId32',
    coldkey: 'AccountId32',
    uid: 'Compact<u16>',
    netuid: 'Compact<u16>',
    active: 'bool',
    axonInfo: 'MtAxonInfoOfRuntime',
    prometheusInfo: 'MtPrometheusInfoOfRuntime',
    stake: 'Vec<(AccountId32, Compact<u64>)>',
    rank: 'Compact<u16>',
    emission: 'Compact<u64>',
    incentive: 'Compact<u16>',
    consensus: 'Compact<u16>',
    trust: 'Compact<u16>',
    validatorTrust: 'Compact<u16>',
    dividends: 'Compact<u16>',
    lastUpdate: 'Compact<u64>',
    validatorPermit: 'bool',
    pruningScore: 'Compact<u16>',
  },
  /** `SubnetState` from January 2025 on: alpha, TAO and total stake per UID. */
  MtSubnetStateAlpha: {
    ...SUBNET_STATE,
    alphaStake: 'Vec<Compact<u64>>',
    taoStake: 'Vec<Compact<u64>>',
    totalStake: 'Vec<Compact<u64>>',
    emissionHistory: 'Vec<Vec<Compact<u64>>>',
  },
  /** `SubnetState` of the first dynamic-TAO runtimes (late 2024): local (alpha) and global stake. */
  MtSubnetStateLocal: {
    ...SUBNET_STATE,
    localStake: 'Vec<Compact<u64>>',
    globalStake: 'Vec<Compact<u64>>',
    stakeWeight: 'Vec<Compact<u16>>',
    emissionHistory: 'Vec<Vec<Compact<u64>>>',
  },
  /** `SubnetHyperparams` with liquid alpha (mid 2024 on). */
  MtSubnetHyperparamsAlpha: {
    ...HYPERPARAMS,
    alphaHigh: 'Compact<u16>',
    alphaLow: 'Compact<u16>',
    liquidAlphaEnabled: 'bool',
  },
  /** `SubnetHyperparams` before liquid alpha. */
  MtSubnetHyperparams: HYPERPARAMS,
  MtSubnetInfo: {
    netuid: 'Compact<u16>',
    rho: 'Compact<u16>',
    kappa: 'Compact<u16>',
    difficulty: 'Compact<u64>',
    immunityPeriod: 'Compact<u16>',
    maxAllowedValidators: 'Compact<u16>',
    minAllowedWeights: 'Compact<u16>',
    maxWeightsLimit: 'Compact<u16>',
    scalingLawPower: 'Compact<u16>',
    subnetworkN: 'Compact<u16>',
    maxAllowedUids: 'Compact<u16>',
    blocksSinceLastStep: 'Compact<u64>',
    tempo: 'Compact<u16>',
    networkModality: 'Compact<u16>',
    networkConnect: 'Vec<[u16; 2]>',
    emissionValues: 'Compact<u64>',
    burn: 'Compact<u64>',
    owner: 'AccountId32',
  },
} as const;

/** A decoded struct, read by field name. */
export interface Fields {
  get(name: string): { toString(): string; toPrimitive(): unknown } | undefined;
}

/** A decoded value as a list of structs (`Vec<…>`). */
type Structs = Fields[];

type Registry = ApiPromise['registry'];

const registered = new WeakSet<Registry>();

/** The type of a `subtensorModule` storage map's values, as the metadata names it, or `fallback`. */
function storageValueType(api: ApiPromise, item: string, fallback: string): string {
  const entry = (
    api.query.subtensorModule as unknown as
      | Record<string, { creator?: { meta: { type: StorageType } } }>
      | undefined
  )?.[item]?.creator?.meta.type;
  return entry?.isMap ? api.registry.createLookupType(entry.asMap.value) : fallback;
}

type StorageType = {
  isMap: boolean;
  asMap: { value: Parameters<Registry['createLookupType']>[0] };
};

function register(api: ApiPromise): void {
  const registry = api.registry;
  if (registered.has(registry)) return;
  registry.register({
    ...(LAYOUTS as unknown as Record<string, Record<string, string>>),
    MtAxonInfoOfRuntime: storageValueType(api, 'axons', 'MtAxonInfo'),
    MtPrometheusInfoOfRuntime: storageValueType(api, 'prometheus', 'MtPrometheusInfo'),
  });
  registered.add(registry);
}

/** A runtime API method the node's metadata declares. */
export interface RuntimeApiMethod {
  /** Its name in `state_call`: `NeuronInfoRuntimeApi_get_neurons_lite`. */
  rpcName: string;
  /** Whether it returns `Vec<u8>` (an encoded struct the metadata does not describe). */
  returnsBytes: boolean;
  /** Its return type as the metadata names it. */
  returnType: string;
}

/** The runtime API method `section.method` as the node's metadata describes it, or undefined when it has none. */
export function runtimeApiMethod(
  api: ApiPromise,
  section: string,
  method: string,
): RuntimeApiMethod | undefined {
  const call = (
    api.call as unknown as Record<
      string,
      Record<string, { meta?: { type?: { toString(): string } } }> | undefined
    >
  )[section]?.[method];
  const returnType = call?.meta?.type?.toString();
  if (returnType === undefined) return undefined;
  // `neuronInfoRuntimeApi.getNeuronsLite` is `NeuronInfoRuntimeApi_get_neurons_lite` on the wire.
  const rpcName = `${section[0]?.toUpperCase()}${section.slice(1)}_${method.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
  return { rpcName, returnsBytes: returnType === 'Bytes' || returnType === 'Vec<u8>', returnType };
}

/**
 * Decodes a runtime API's raw answer (`state_call`'s bytes) as the first of
 * `layouts` that fits it exactly. The outer `Vec<u8>` prefix is stripped
 * first where the metadata says the API returns bytes; a typed answer is
 * decoded with the metadata's own type. An empty `Vec<u8>` (subtensor's
 * "none", e.g. no such subnet) is `undefined`.
 *
 * @throws ChainRuntimeError when the bytes are not exactly one value of any layout.
 */
export function decodeRuntimeAnswer(
  api: ApiPromise,
  method: RuntimeApiMethod,
  raw: Uint8Array,
  layouts: readonly string[],
): unknown {
  const registry = api.registry;
  register(api);
  const pedantic = (type: string, bytes: Uint8Array) =>
    registry.createTypeUnsafe(type, [bytes], { isPedantic: true });
  let inner: Uint8Array;
  try {
    if (!method.returnsBytes) return pedantic(method.returnType, raw);
    inner = (pedantic('Bytes', raw) as unknown as { toU8a(bare: true): Uint8Array }).toU8a(true);
  } catch (error) {
    throw new ChainRuntimeError(
      `the node's answer to ${method.rpcName} does not decode: ${String(error).slice(0, 200)}`,
    );
  }
  if (inner.length === 0) return undefined;
  const errors: string[] = [];
  for (const layout of layouts) {
    try {
      const value = pedantic(layout, inner) as unknown as {
        isNone?: boolean;
        unwrap?: () => unknown;
      };
      // `Option<…>` layouts: the runtime's None is this client's undefined.
      if (layout.startsWith('Option<')) return value.isNone ? undefined : value.unwrap?.();
      return value;
    } catch (error) {
      errors.push(`${layout}: ${String(error).slice(0, 120)}`);
    }
  }
  throw new ChainRuntimeError(
    `the node's answer to ${method.rpcName} (${inner.length} bytes) fits none of the layouts this client reads; ${errors.join('; ')}`,
  );
}

/** A decoded `Vec` as its structs. */
export function structsOf(value: unknown): Structs {
  return [...(value as Iterable<Fields>)];
}

/** A field of a decoded struct as a string, or a typed error naming what is missing. */
export function field(struct: Fields, name: string): string {
  const value = struct.get(name);
  if (value === undefined)
    throw new ChainRuntimeError(`the runtime API's answer has no field ${name}`);
  return value.toString();
}

/** A `Vec` field of a decoded struct, each entry as a string. */
export function listField(struct: Fields, name: string): string[] {
  const value = struct.get(name);
  if (value === undefined)
    throw new ChainRuntimeError(`the runtime API's answer has no field ${name}`);
  return [...(value as unknown as Iterable<{ toString(): string }>)].map((v) => v.toString());
}

/**
 * The `SubnetState` layouts this client reads, newest first, each with its
 * per-subnet stake field. Spec 218 answers `Option<SubnetState>` (None for a
 * subnet it has no state for).
 */
export const SUBNET_STATE_LAYOUTS = [
  { layout: 'Option<MtSubnetStateAlpha>', stake: 'alphaStake' },
  { layout: 'Option<MtSubnetStateLocal>', stake: 'localStake' },
] as const;

/** The `SubnetHyperparams` layouts this client reads, newest first. */
export const HYPERPARAMS_LAYOUTS = ['MtSubnetHyperparamsAlpha', 'MtSubnetHyperparams'] as const;

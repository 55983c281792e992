/** A weight or bond entry as the chain stores it: `[uid, u16 value]`. */
export type U16Entry = readonly [uid: number, value: number];

/** Liquid alpha settings (Yuma3 only at the reference commit). */
export interface LiquidAlphaParams {
  enabled: boolean;
  /** `AlphaValues.0`, u16 proportion; default 45875 ≈ 0.70. */
  alphaLowU16: number;
  /** `AlphaValues.1`, u16 proportion; default 58982 ≈ 0.90. */
  alphaHighU16: number;
  /** `AlphaSigmoidSteepness`; default 1000. */
  sigmoidSteepness: number;
}

/** Hyperparameters of one subnet's epoch, named as on the chain. */
export interface YumaParams {
  /** κ as a u16 proportion; default 32767 (≈ 0.49999). */
  kappaU16: number;
  /** β `BondsPenalty` as a u16 proportion; default 65535. */
  bondsPenaltyU16: number;
  /** `BondsMovingAverage` per 1e6; default 900000 (α = 0.1). */
  bondsMovingAverage: number;
  liquidAlpha: LiquidAlphaParams;
  /** `Yuma3On`. */
  yuma3: boolean;
  /** `StakeThreshold` in rao; UIDs below it count as having no stake (the owner is exempt). */
  stakeThreshold: bigint;
  /** The subnet owner's UID, which keeps a permit and may weight itself; `null` for none. */
  ownerUid: number | null;
  /** `CommitRevealWeightsEnabled`: masks weights committed before the target registered. */
  commitReveal: boolean;
  /** Rao distributed by this epoch. */
  raoEmission: bigint;
  tempo: number;
  activityCutoffBlocks: number;
  maxAllowedValidators: number;
  /**
   * `BondsResetOn`: a hotkey's commitment (subtensor's `ResetBondsOnCommit`)
   * zeroes its bonds column, so validators bond to it afresh. Default off.
   */
  bondsReset: boolean;
}

/**
 * Subtensor's defaults for every Yuma parameter but the emission, in one
 * place: the scenario format's defaults and `LocalChain`'s new subnets use
 * these. (`MaxAllowedValidators` 128, `Kappa` 32767, `BondsMovingAverage`
 * 900000, `Tempo` 360, `ActivityCutoff` 5000, liquid alpha off, classic bonds.)
 */
export const YUMA_DEFAULTS: Readonly<Omit<YumaParams, 'raoEmission'>> = Object.freeze({
  kappaU16: 32_767,
  bondsPenaltyU16: 65_535,
  bondsMovingAverage: 900_000,
  liquidAlpha: Object.freeze({
    enabled: false,
    alphaLowU16: 45_875,
    alphaHighU16: 58_982,
    sigmoidSteepness: 1_000,
  }),
  yuma3: false,
  stakeThreshold: 0n,
  ownerUid: null,
  commitReveal: false,
  tempo: 360,
  activityCutoffBlocks: 5_000,
  maxAllowedValidators: 128,
  bondsReset: false,
});

/** The chain state an epoch reads and writes, for one subnet. */
export interface YumaState {
  /** Number of UIDs. */
  n: number;
  /** Stake per UID in rao. */
  stake: bigint[];
  blockAtRegistration: number[];
  lastUpdate: number[];
  /** Permits stored by the previous epoch; this epoch masks with them. */
  validatorPermit: boolean[];
  /** Stored weights per UID: row-max-upscaled u16 values. */
  weights: U16Entry[][];
  /** Stored bonds per UID: column-max-upscaled u16 (classic) or absolute u16 fractions (Yuma3). */
  bonds: U16Entry[][];
  currentBlock: number;
  /** `LastMechansimStepBlock`; 0 means unset, and the bond mask uses `currentBlock − tempo`. */
  lastMechanismStepBlock: number;
  /** Earliest unexpired weight commit per UID (commit-reveal), or `null`. */
  commitBlocks: (number | null)[];
}

/** Everything one epoch computes. Vectors hold I32F32 raw bits (value · 2^32). */
export interface EpochResult {
  /** The state after the epoch: new permits and bonds. */
  state: YumaState;
  stake: number[];
  activeStake: number[];
  active: boolean[];
  consensus: number[];
  validatorTrust: number[];
  incentive: number[];
  dividends: number[];
  /** Rao paid to each UID as a miner. */
  serverEmission: bigint[];
  /** Rao paid to each UID as a validator. */
  validatorEmission: bigint[];
  /** The stored `Emission`: ⌊normalize(I + D) · E⌋. */
  emission: bigint[];
}

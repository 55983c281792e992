import { parseWith } from '@mt/protocol';
import { z } from 'zod';
import { InvalidScoringInputError } from '../errors.js';
import { describeEpoch, type EpochReport } from './report.js';
import { YumaSimulator } from './simulator.js';
import { YUMA_DEFAULTS, type YumaParams, type YumaState } from './types.js';

const u16 = z.int().min(0).max(65_535);
const block = z.int().min(0);
const rao = z.union([z.int().min(0), z.string().regex(/^\d+$/, 'must be a decimal integer')]);
const entries = z.array(z.tuple([z.int().min(0), u16]));

const paramsSchema = z.object({
  kappa_u16: u16.default(YUMA_DEFAULTS.kappaU16),
  bonds_penalty_u16: u16.default(YUMA_DEFAULTS.bondsPenaltyU16),
  bonds_moving_average: z.int().min(0).max(1_000_000).default(YUMA_DEFAULTS.bondsMovingAverage),
  liquid_alpha: z
    .object({
      enabled: z.boolean(),
      alpha_low_u16: u16.default(YUMA_DEFAULTS.liquidAlpha.alphaLowU16),
      alpha_high_u16: u16.default(YUMA_DEFAULTS.liquidAlpha.alphaHighU16),
      sigmoid_steepness: z.int().default(YUMA_DEFAULTS.liquidAlpha.sigmoidSteepness),
    })
    .default({
      enabled: YUMA_DEFAULTS.liquidAlpha.enabled,
      alpha_low_u16: YUMA_DEFAULTS.liquidAlpha.alphaLowU16,
      alpha_high_u16: YUMA_DEFAULTS.liquidAlpha.alphaHighU16,
      sigmoid_steepness: YUMA_DEFAULTS.liquidAlpha.sigmoidSteepness,
    }),
  yuma3: z.boolean().default(YUMA_DEFAULTS.yuma3),
  stake_threshold: rao.default(0),
  owner_uid: z.int().min(0).nullable().default(YUMA_DEFAULTS.ownerUid),
  commit_reveal: z.boolean().default(YUMA_DEFAULTS.commitReveal),
  rao_emission: rao,
  tempo: z.int().min(0).default(YUMA_DEFAULTS.tempo),
  activity_cutoff_blocks: block.default(YUMA_DEFAULTS.activityCutoffBlocks),
  max_allowed_validators: z.int().min(0).default(YUMA_DEFAULTS.maxAllowedValidators),
  bonds_reset: z.boolean().default(YUMA_DEFAULTS.bondsReset),
});

const initialStateSchema = z.object({
  n: z.int().min(0).max(65_536),
  stake: z.array(rao),
  block_at_registration: z.array(block),
  last_update: z.array(block),
  validator_permit: z.array(z.boolean()),
  current_block: block,
  weights: z.array(entries).optional(),
  bonds: z.array(entries).optional(),
  last_mechanism_step_block: block.default(0),
  commit_blocks: z.array(block.nullable()).optional(),
});

const stepSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('epoch') }),
  z.object({ op: z.literal('advance_to_block'), block }),
  z.object({
    op: z.literal('set_weights'),
    uid: z.int().min(0),
    dests: z.array(z.int().min(0)),
    values_u16: z.array(u16),
    /** What the chain stored, when the scenario records it; checked against our own upscale. */
    stored_u16: z.array(u16).optional(),
  }),
  z.object({ op: z.literal('commit_weights'), uid: z.int().min(0) }),
  /** The hotkey at `uid` committed: its bonds column is reset when `bonds_reset` is on. */
  z.object({ op: z.literal('reset_bonds'), uid: z.int().min(0) }),
]);

/** Schema of a Yuma scenario: one case in the format of the reference vectors. */
export const yumaScenarioSchema = z.object({
  name: z.string().optional(),
  params: paramsSchema,
  initial_state: initialStateSchema,
  steps: z.array(stepSchema),
});

/** A parsed Yuma scenario. */
export type YumaScenario = z.output<typeof yumaScenarioSchema>;

/** Checks `input` against the scenario format, naming the bad field on failure. */
export function parseYumaScenario(input: unknown): YumaScenario {
  return parseWith('YumaScenario', yumaScenarioSchema, input);
}

/** The params and initial state a scenario describes. */
export function scenarioSetup(scenario: YumaScenario): { params: YumaParams; state: YumaState } {
  const p = scenario.params;
  const s = scenario.initial_state;
  const empty = () => Array.from({ length: s.n }, () => []);
  return {
    params: {
      kappaU16: p.kappa_u16,
      bondsPenaltyU16: p.bonds_penalty_u16,
      bondsMovingAverage: p.bonds_moving_average,
      liquidAlpha: {
        enabled: p.liquid_alpha.enabled,
        alphaLowU16: p.liquid_alpha.alpha_low_u16,
        alphaHighU16: p.liquid_alpha.alpha_high_u16,
        sigmoidSteepness: p.liquid_alpha.sigmoid_steepness,
      },
      yuma3: p.yuma3,
      stakeThreshold: BigInt(p.stake_threshold),
      ownerUid: p.owner_uid,
      commitReveal: p.commit_reveal,
      raoEmission: BigInt(p.rao_emission),
      tempo: p.tempo,
      activityCutoffBlocks: p.activity_cutoff_blocks,
      maxAllowedValidators: p.max_allowed_validators,
      bondsReset: p.bonds_reset,
    },
    state: {
      n: s.n,
      stake: s.stake.map((value) => BigInt(value)),
      blockAtRegistration: s.block_at_registration,
      lastUpdate: s.last_update,
      validatorPermit: s.validator_permit,
      weights: s.weights ?? empty(),
      bonds: s.bonds ?? empty(),
      currentBlock: s.current_block,
      lastMechanismStepBlock: s.last_mechanism_step_block,
      commitBlocks: s.commit_blocks ?? Array.from({ length: s.n }, () => null),
    },
  };
}

/**
 * Replays every step of `scenario` and returns one report per epoch step, in
 * order. A `set_weights` step that records `stored_u16` is checked against the
 * upscale the chain would do, and a mismatch is an error naming the step.
 */
export function replayScenario(scenario: YumaScenario): EpochReport[] {
  const { params, state } = scenarioSetup(scenario);
  const simulator = new YumaSimulator(params, state);
  const reports: EpochReport[] = [];
  scenario.steps.forEach((step, index) => {
    switch (step.op) {
      case 'epoch':
        reports.push(describeEpoch(index, simulator.epoch()));
        break;
      case 'advance_to_block':
        simulator.advanceToBlock(step.block);
        break;
      case 'commit_weights':
        simulator.commitWeights(step.uid);
        break;
      case 'reset_bonds':
        simulator.resetBonds(step.uid);
        break;
      case 'set_weights': {
        const row = simulator.setWeights(step.uid, step.dests, step.values_u16);
        if (step.stored_u16) {
          const stored = step.dests.map((dest) => row.find(([uid]) => uid === dest)?.[1]);
          if (stored.some((value, k) => value !== step.stored_u16?.[k])) {
            throw new InvalidScoringInputError(
              `steps[${index}].stored_u16`,
              `the chain's upscale of ${JSON.stringify(step.values_u16)} is ${JSON.stringify(stored)}, not ${JSON.stringify(step.stored_u16)}`,
            );
          }
        }
        break;
      }
    }
  });
  return reports;
}

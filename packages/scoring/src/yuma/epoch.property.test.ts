import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runEpoch } from './epoch.js';
import { div, fromInt, ONE } from './fixed.js';
import { type U16Entry, YUMA_DEFAULTS, type YumaParams, type YumaState } from './types.js';

const u16 = fc.integer({ min: 0, max: 65_535 });

function baseParams(overrides: Partial<YumaParams> = {}): YumaParams {
  return {
    ...YUMA_DEFAULTS,
    raoEmission: 1_000_000_000n,
    tempo: 10,
    maxAllowedValidators: 64,
    ...overrides,
  };
}

/** Rows of distinct UIDs below `n` with u16 values. */
const rows = (n: number) =>
  fc.array(
    fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: n - 1 }), u16), {
      selector: ([uid]) => uid,
      maxLength: n,
    }),
    { minLength: n, maxLength: n },
  );

const scenario = fc.integer({ min: 2, max: 10 }).chain((n) =>
  fc.record({
    params: fc.record({
      kappaU16: fc.constantFrom(32_767, 13_107, 45_875),
      bondsPenaltyU16: fc.constantFrom(0, 32_767, 65_535),
      bondsMovingAverage: fc.constantFrom(900_000, 975_000, 500_000),
      yuma3: fc.boolean(),
      liquid: fc.boolean(),
      raoEmission: fc.bigInt({ min: 1n, max: 10n ** 15n }),
      maxAllowedValidators: fc.integer({ min: 1, max: n + 2 }),
    }),
    state: fc.record({
      n: fc.constant(n),
      stake: fc.array(fc.bigInt({ min: 0n, max: 10n ** 13n }), { minLength: n, maxLength: n }),
      blockAtRegistration: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
      lastUpdate: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: n, maxLength: n }),
      validatorPermit: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      weights: rows(n),
      bonds: rows(n),
      currentBlock: fc.integer({ min: 30, max: 40 }),
    }),
  }),
);

type Generated = {
  params: {
    kappaU16: number;
    bondsPenaltyU16: number;
    bondsMovingAverage: number;
    yuma3: boolean;
    liquid: boolean;
    raoEmission: bigint;
    maxAllowedValidators: number;
  };
  state: Omit<YumaState, 'lastMechanismStepBlock' | 'commitBlocks'>;
};

function toInput({ params, state }: Generated): { params: YumaParams; state: YumaState } {
  return {
    params: baseParams({
      kappaU16: params.kappaU16,
      bondsPenaltyU16: params.bondsPenaltyU16,
      bondsMovingAverage: params.bondsMovingAverage,
      yuma3: params.yuma3,
      liquidAlpha: {
        enabled: params.liquid,
        alphaLowU16: 6_553,
        alphaHighU16: 19_660,
        sigmoidSteepness: 1_000,
      },
      raoEmission: params.raoEmission,
      maxAllowedValidators: params.maxAllowedValidators,
    }),
    state: {
      ...state,
      lastMechanismStepBlock: 0,
      commitBlocks: state.stake.map(() => null),
    },
  };
}

describe('Yuma epoch properties', () => {
  it('pays out the epoch total, less at most rao rounding, and never more', () => {
    fc.assert(
      fc.property(scenario, (generated) => {
        const { params, state } = toInput(generated as Generated);
        fc.pre(state.stake.some((s) => s > 0n));
        const result = runEpoch(params, state);
        const n = BigInt(state.n);
        // Each share is truncated (≤ n·2^-32 in all) and each payout floored (< 1 rao each).
        const slack = n + 1n + (params.raoEmission * 2n * n) / (1n << 32n);
        const combined = result.emission.reduce((a, b) => a + b, 0n);
        expect(combined).toBeLessThanOrEqual(params.raoEmission);
        expect(params.raoEmission - combined).toBeLessThanOrEqual(slack);
        const split =
          result.serverEmission.reduce((a, b) => a + b, 0n) +
          result.validatorEmission.reduce((a, b) => a + b, 0n);
        expect(split).toBeLessThanOrEqual(params.raoEmission);
        expect(params.raoEmission - split).toBeLessThanOrEqual(2n * slack);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every output in range', () => {
    fc.assert(
      fc.property(scenario, (generated) => {
        const { params, state } = toInput(generated as Generated);
        const result = runEpoch(params, state);
        for (const vector of [
          result.consensus,
          result.incentive,
          result.dividends,
          result.validatorTrust,
        ]) {
          for (const value of vector) {
            expect(Number.isSafeInteger(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(ONE);
          }
        }
        for (const vector of [result.incentive, result.dividends]) {
          expect(vector.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ONE);
        }
        for (const row of result.state.bonds) {
          for (const [uid, value] of row) {
            expect(uid).toBeLessThan(state.n);
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(65_535);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same results, relabelled, when UIDs are permuted', () => {
    const withPermutation = scenario.chain((generated) =>
      fc
        .shuffledSubarray(
          Array.from({ length: (generated as Generated).state.n }, (_, i) => i),
          { minLength: (generated as Generated).state.n },
        )
        .map((order) => ({ generated: generated as Generated, order })),
    );
    fc.assert(
      fc.property(withPermutation, ({ generated, order }) => {
        const { params: rawParams, state } = toInput(generated);
        // Ties in the top-k permit cut fall on the lower UID, which a relabelling
        // changes; with room for everyone there is no cut.
        const params = { ...rawParams, maxAllowedValidators: state.n };
        // order[newUid] = oldUid; where[oldUid] = newUid.
        const where = new Array<number>(state.n);
        order.forEach((oldUid, newUid) => {
          where[oldUid] = newUid;
        });
        const relabel = (rows: U16Entry[][]) =>
          order.map((oldUid) =>
            (rows[oldUid] ?? [])
              .map(([j, value]): U16Entry => [where[j] ?? 0, value])
              .sort((a, b) => a[0] - b[0]),
          );
        const pick = <T>(values: readonly T[]) => order.map((oldUid) => values[oldUid] as T);
        const permuted: YumaState = {
          ...state,
          stake: pick(state.stake),
          blockAtRegistration: pick(state.blockAtRegistration),
          lastUpdate: pick(state.lastUpdate),
          validatorPermit: pick(state.validatorPermit),
          commitBlocks: pick(state.commitBlocks),
          weights: relabel(state.weights),
          bonds: relabel(state.bonds),
        };
        const sortedRows = (rows: U16Entry[][]) =>
          rows.map((row) => [...row].sort((a, b) => a[0] - b[0]));
        const before = runEpoch(params, {
          ...state,
          weights: sortedRows(state.weights),
          bonds: sortedRows(state.bonds),
        });
        const after = runEpoch(params, permuted);
        expect(after.consensus).toEqual(pick(before.consensus));
        expect(after.incentive).toEqual(pick(before.incentive));
        expect(after.dividends).toEqual(pick(before.dividends));
        expect(after.emission).toEqual(pick(before.emission));
        expect(after.state.bonds).toEqual(relabel(before.state.bonds));
      }),
      { numRuns: 200 },
    );
  });

  it('lets no coalition under κ of active stake lift consensus above what the others give', () => {
    const coalitionCase = fc.record({
      honest: fc.array(
        fc.record({
          stake: fc.bigInt({ min: 10n ** 6n, max: 10n ** 9n }),
          weights: fc.array(fc.integer({ min: 1, max: 65_535 }), { minLength: 4, maxLength: 4 }),
        }),
        { minLength: 2, maxLength: 5 },
      ),
      coalitionSize: fc.integer({ min: 1, max: 3 }),
      coalitionShare: fc.double({ min: 0.01, max: 0.49, noNaN: true }),
      target: fc.integer({ min: 0, max: 3 }),
      yuma3: fc.boolean(),
    });
    fc.assert(
      fc.property(coalitionCase, ({ honest, coalitionSize, coalitionShare, target, yuma3 }) => {
        const honestStake = honest.reduce((a, v) => a + v.stake, 0n);
        // Coalition stake so that it holds `coalitionShare` (< κ ≈ 0.49999) of all validator stake.
        const coalitionTotal = BigInt(
          Math.floor(Number(honestStake) * (coalitionShare / (1 - coalitionShare))),
        );
        const validators = honest.length + coalitionSize;
        const miners = 4;
        const n = validators + miners;
        const minerUid = (k: number) => validators + k;
        const weights: U16Entry[][] = [
          ...honest.map((v) => v.weights.map((w, k): U16Entry => [minerUid(k), w])),
          // The coalition puts everything on one miner.
          ...Array.from({ length: coalitionSize }, (): U16Entry[] => [[minerUid(target), 65_535]]),
          ...Array.from({ length: miners }, (): U16Entry[] => []),
        ];
        const stake = [
          ...honest.map((v) => v.stake),
          ...Array.from({ length: coalitionSize }, () => coalitionTotal / BigInt(coalitionSize)),
          ...Array.from({ length: miners }, () => 0n),
        ];
        const state: YumaState = {
          n,
          stake,
          blockAtRegistration: new Array(n).fill(0),
          lastUpdate: new Array(n).fill(5),
          validatorPermit: Array.from({ length: n }, (_, uid) => uid < validators),
          weights,
          bonds: Array.from({ length: n }, () => []),
          currentBlock: 10,
          lastMechanismStepBlock: 0,
          commitBlocks: new Array(n).fill(null),
        };
        const result = runEpoch(baseParams({ yuma3, maxAllowedValidators: n }), state);
        const honestBest = Math.max(
          ...honest.map((v) => {
            const total = v.weights.reduce((a, b) => a + b, 0);
            return div(fromInt(v.weights[target] ?? 0), fromInt(total));
          }),
        );
        expect(result.consensus[minerUid(target)]).toBeLessThanOrEqual(honestBest);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad input with an error naming the field', () => {
    const state: YumaState = {
      n: 2,
      stake: [1n, 2n],
      blockAtRegistration: [0, 0],
      lastUpdate: [0, 0],
      validatorPermit: [true, true],
      weights: [[[1, 65_535]], []],
      bonds: [[], []],
      currentBlock: 1,
      lastMechanismStepBlock: 0,
      commitBlocks: [null, null],
    };
    const cases: [Partial<YumaState> | Partial<YumaParams>, 'state' | 'params', string][] = [
      [{ stake: [1n, -2n] }, 'state', 'state.stake[1]'],
      [{ stake: [1n] }, 'state', 'state.stake'],
      [{ weights: [[[7, 10]], []] }, 'state', 'state.weights[0][0].uid'],
      [{ weights: [[[1, 70_000]], []] }, 'state', 'state.weights[0][0].value'],
      [{ weights: [[[1, Number.NaN]], []] }, 'state', 'state.weights[0][0].value'],
      [{ lastUpdate: [0, Number.POSITIVE_INFINITY] }, 'state', 'state.lastUpdate[1]'],
      [{ kappaU16: 65_536 }, 'params', 'params.kappaU16'],
      [{ bondsMovingAverage: Number.NaN }, 'params', 'params.bondsMovingAverage'],
      [{ raoEmission: -1n }, 'params', 'params.raoEmission'],
    ];
    for (const [patch, where, field] of cases) {
      const call = () =>
        where === 'state'
          ? runEpoch(baseParams(), { ...state, ...(patch as Partial<YumaState>) })
          : runEpoch(baseParams(patch as Partial<YumaParams>), state);
      expect(call).toThrow(
        expect.objectContaining({ code: 'MT_SCORING_INVALID_INPUT', argument: field }),
      );
    }
  });
});

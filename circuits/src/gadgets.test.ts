import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIELD_PRIME, floorShift, packedPoseidon, sponge } from '@mt/zkml/internal';
import fc from 'fast-check';
import * as snarkjs from 'snarkjs';
import { beforeAll, describe, expect, it } from 'vitest';

const build = fileURLToPath(new URL('../build/', import.meta.url));
let scratch: string;
let count = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mt-gadgets-'));
});

/** The harness's outputs for `input`, as signed integers (the witness of the built circuit). */
async function outputs(
  harness: string,
  input: Record<string, unknown>,
  n: number,
): Promise<bigint[]> {
  const file = join(scratch, `${count++}.wtns`);
  const wasm = join(
    build,
    `${harness}_harness`,
    `${harness}_harness_js`,
    `${harness}_harness.wasm`,
  );
  await snarkjs.wtns.calculate(input, wasm, file);
  const witness: bigint[] = await snarkjs.wtns.exportJson(file);
  return witness.slice(1, 1 + n).map((v) => (v > FIELD_PRIME / 2n ? v - FIELD_PRIME : v));
}

const big = (n: number) => String(n);
const runs = { numRuns: 40 };

describe('SignedShift(20, 8) and ShiftReLU(20, 8)', () => {
  it('floor-divide by 2^8 and give the sign, for every value in [-2^20, 2^20)', async () => {
    const edges = [-(2 ** 20), -257, -256, -255, -1, 0, 1, 255, 256, 2 ** 20 - 1];
    const check = async (value: number) => {
      const [out, nonneg] = await outputs('signed_shift', { in: big(value) }, 2);
      expect(out).toBe(floorShift(BigInt(value), 8));
      expect(nonneg).toBe(value >= 0 ? 1n : 0n);
      const [relu] = await outputs('shift_relu', { in: big(value) }, 1);
      expect(relu).toBe(value >= 0 ? floorShift(BigInt(value), 8) : 0n);
    };
    for (const value of edges) await check(value);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -(2 ** 20), max: 2 ** 20 - 1 }), check),
      runs,
    );
  });

  it('have no witness for a value outside the range (an overflowing accumulator)', async () => {
    for (const value of [2 ** 20, -(2 ** 20) - 1, 2 ** 40]) {
      await expect(outputs('signed_shift', { in: big(value) }, 2)).rejects.toThrow(
        /Assert Failed|Error in template/,
      );
    }
  });
});

describe('SignedRange(10)', () => {
  it('offsets values in [-512, 512) and refuses the rest', async () => {
    for (const value of [-512, -1, 0, 511]) {
      expect(await outputs('signed_range', { in: big(value) }, 1)).toEqual([BigInt(value + 512)]);
    }
    for (const value of [512, -513]) {
      await expect(outputs('signed_range', { in: big(value) }, 1)).rejects.toThrow();
    }
  });
});

describe('PositiveDivide(20, 12)', () => {
  it('floor-divides any value in [-2^20, 2^20) by any divisor in [1, 2^12)', async () => {
    const check = async (num: number, den: number) => {
      const [out] = await outputs('positive_divide', { num: big(num), den: big(den) }, 1);
      expect(out).toBe(BigInt(Math.floor(num / den)));
    };
    for (const [num, den] of [
      [0, 1],
      [-1, 1],
      [7, 2],
      [-7, 2],
      [-8, 2],
      [2 ** 20 - 1, 1],
      [-(2 ** 20), 4095],
      [255, 256],
      [-255, 256],
    ] as const)
      await check(num, den);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -(2 ** 20), max: 2 ** 20 - 1 }),
        fc.integer({ min: 1, max: 4095 }),
        check,
      ),
      runs,
    );
  });

  it('has no witness for a divisor that is not positive', async () => {
    for (const den of [0, -1, -300]) {
      await expect(outputs('positive_divide', { num: '100', den: big(den) }, 1)).rejects.toThrow(
        /PositiveDivide/,
      );
    }
  });
});

describe('SquareRoot(40)', () => {
  it('gives floor(√in) for any value in [0, 2^40)', async () => {
    const check = async (value: bigint) => {
      const [out] = await outputs('square_root', { in: value.toString() }, 1);
      const root = out ?? -1n;
      expect(root * root <= value && (root + 1n) * (root + 1n) > value).toBe(true);
    };
    for (const value of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 2n ** 40n - 1n, (2n ** 20n - 1n) ** 2n])
      await check(value);
    await fc.assert(fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 40n - 1n }), check), runs);
  });

  it('has no witness for a negative value', async () => {
    for (const value of [-1, -300]) {
      await expect(outputs('square_root', { in: big(value) }, 1)).rejects.toThrow(/SquareRoot/);
    }
  });
});

describe('RequireNonPositive(16)', () => {
  it('passes values in (-2^16, 0] through and has no witness for a positive one', async () => {
    for (const value of [0, -1, -(2 ** 16) + 1]) {
      expect(await outputs('require_non_positive', { in: big(value) }, 1)).toEqual([BigInt(value)]);
    }
    for (const value of [1, 2 ** 10]) {
      await expect(outputs('require_non_positive', { in: big(value) }, 1)).rejects.toThrow(
        /RequireNonPositive/,
      );
    }
    await expect(outputs('require_non_positive', { in: big(-(2 ** 16)) }, 1)).rejects.toThrow();
  });
});

describe('Argmax(5, 20)', () => {
  it('finds the first largest of signed values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -(2 ** 20), max: 2 ** 20 - 1 }), { minLength: 5, maxLength: 5 }),
        async (values) => {
          const [index, max] = await outputs('argmax', { in: values.map(big) }, 2);
          const best = values.indexOf(Math.max(...values));
          expect(index).toBe(BigInt(best));
          expect(max).toBe(BigInt(values[best] ?? 0));
        },
      ),
      runs,
    );
  });
});

describe('PackedPoseidon(40, 10)', () => {
  it('equals the TypeScript packedPoseidon of @mt/zkml', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -512, max: 511 }), { minLength: 40, maxLength: 40 }),
        async (values) => {
          const [hash] = await outputs('packed_poseidon', { in: values.map(big) }, 1);
          const expected = packedPoseidon(values.map(BigInt), 10);
          expect((hash ?? 0n) < 0n ? (hash ?? 0n) + FIELD_PRIME : hash).toBe(expected);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('has no witness when a value does not fit its bits (so packing stays injective)', async () => {
    const values = Array.from({ length: 40 }, () => '0');
    values[7] = '512';
    await expect(outputs('packed_poseidon', { in: values }, 1)).rejects.toThrow();
  });
});

describe('Sponge(20, 20)', () => {
  it('equals the TypeScript sponge of @mt/zkml', async () => {
    const values = Array.from({ length: 20 }, (_, i) => BigInt(i) * 1_000_003n + 7n);
    const [hash] = await outputs('sponge', { in: values.map(String) }, 1);
    expect((hash ?? 0n) < 0n ? (hash ?? 0n) + FIELD_PRIME : hash).toBe(sponge(values));
  });
});

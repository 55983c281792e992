import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnarkjs } from '../prove/load-snarkjs.js';
import { writeDevelopmentPtau } from './development-ptau.js';
import { ptauPower } from './powers-of-tau.js';
import { withSnarkjs } from './snarkjs-session.js';

/** The sections of a .ptau file by id, as raw bytes. */
function sections(file: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = 12;
  while (at < file.length) {
    const id = file.readUInt32LE(at);
    const size = Number(file.readBigUInt64LE(at + 4));
    out.set(id, file.subarray(at + 12, at + 12 + size));
    at += 12 + size;
  }
  return out;
}

const secrets = {
  tau: 0x1234_5678_9abc_def0_1234_5678_9abc_def0n,
  alpha: 987_654_321_987_654_321n,
  beta: 55_555_555_555_555_555_555n,
};

describe('development powers of tau', () => {
  it('is byte for byte what snarkjs prepares from its own first sections', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-dev-ptau-'));
    const ours = join(dir, 'ours.ptau');
    const theirs = join(dir, 'theirs.ptau');
    await writeDevelopmentPtau(ours, 5, secrets);
    expect(await ptauPower(ours)).toBe(5);

    // preparePhase2 copies sections 1-7 and recomputes the Lagrange sections
    // 12-15 from them by FFT: equal files mean equal Lagrange sections.
    await withSnarkjs((snarkjs) => snarkjs.powersOfTau.preparePhase2(ours, theirs));
    const a = await readFile(ours);
    const b = await readFile(theirs);
    expect(a.length).toBe(b.length);
    expect(a.equals(b)).toBe(true);
    expect([...sections(a).keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
  });

  it('holds τ^i·G1, α·τ^i·G1, β·τ^i·G1, τ^i·G2 and β·G2, computed here by another multiplication', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-dev-ptau-'));
    const path = join(dir, 'p.ptau');
    await writeDevelopmentPtau(path, 3, secrets);
    const s = sections(await readFile(path));
    const snarkjs = await loadSnarkjs();
    const curve = (await snarkjs.curves.getCurveFromName('bn128', {
      singleThread: true,
    })) as unknown as {
      r: bigint;
      Fr: { e(v: bigint): unknown };
      G1: Group;
      G2: Group;
    };
    interface Group {
      g: unknown;
      F: { n8: number };
      timesFr(p: unknown, s: unknown): unknown;
      toAffine(p: unknown): unknown;
      toRprLEM(buff: Uint8Array, offset: number, p: unknown): void;
    }
    const point = (group: Group, scalar: bigint) => {
      const out = new Uint8Array(group.F.n8 * 2);
      group.toRprLEM(out, 0, group.toAffine(group.timesFr(group.g, curve.Fr.e(scalar))));
      return Buffer.from(out);
    };
    const at = (id: number, i: number, size: number) =>
      (s.get(id) as Buffer).subarray(i * size, (i + 1) * size);
    const { tau, alpha, beta } = secrets;
    const pow = (i: number) => tau ** BigInt(i) % curve.r;
    for (const i of [0, 1, 7, 14]) expect(at(2, i, 64).equals(point(curve.G1, pow(i)))).toBe(true);
    expect(s.get(2)?.length).toBe(15 * 64);
    for (const i of [0, 5]) {
      expect(at(3, i, 128).equals(point(curve.G2, pow(i)))).toBe(true);
      expect(at(4, i, 64).equals(point(curve.G1, (alpha * pow(i)) % curve.r))).toBe(true);
      expect(at(5, i, 64).equals(point(curve.G1, (beta * pow(i)) % curve.r))).toBe(true);
    }
    expect(at(6, 0, 128).equals(point(curve.G2, beta))).toBe(true);
    // No contributions: the secrets were chosen on this machine, and the file says so.
    expect(s.get(7)?.readUInt32LE(0)).toBe(0);
  });
});

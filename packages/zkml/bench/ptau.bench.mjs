// @mt/zkml benchmark: a development powers of tau, written straight from its
// secrets (one fixed-base multiplication per point) against snarkjs's four
// steps (new, contribute, beacon, prepare phase 2, whose Lagrange sections
// are FFTs over curve points), at the same power in the same run.
//   pnpm --filter @mt/zkml bench:ptau
// Before any figure is printed, each file of ours must equal, byte for byte,
// what snarkjs's prepare phase 2 makes from its first sections, and hold
// the sections of snarkjs's file, each of the same size.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { writeDevelopmentPtau } from '../dist/internal.js';
import { fail, time } from './bench-helpers.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const baselinePower = QUICK ? 8 : 12;
const ourPowers = QUICK ? [8] : [12, 14, 16];
const dir = await mkdtemp(join(tmpdir(), 'mt-ptau-bench-'));

async function snarkjsFourSteps(power) {
  const step = (name) => join(dir, `theirs-${power}-${name}.ptau`);
  const curve = await snarkjs.curves.getCurveFromName('bn128');
  await snarkjs.powersOfTau.newAccumulator(curve, power, step(0));
  await snarkjs.powersOfTau.contribute(step(0), step(1), 'bench', randomBytes(32).toString('hex'));
  const beacon = randomBytes(32).toString('hex');
  await snarkjs.powersOfTau.beacon(step(1), step(2), 'bench beacon', beacon, 10);
  await snarkjs.powersOfTau.preparePhase2(step(2), step('final'));
  return step('final');
}

try {
  const { ms: theirsMs, value: theirs } = await time(() => snarkjsFourSteps(baselinePower));
  const rows = [];
  for (const power of ourPowers) {
    const path = join(dir, `ours-${power}.ptau`);
    const { ms } = await time(() => writeDevelopmentPtau(path, power));
    rows.push({ power, ms, bytes: (await stat(path)).size, path });
  }

  // The checks: ours equals snarkjs's preparation of its own first sections
  // (at the baseline power: the FFT route takes minutes above it), and has
  // snarkjs's sections, each of the same size.
  const ours = rows.find((r) => r.power === baselinePower);
  const prepared = join(dir, 'prepared.ptau');
  await snarkjs.powersOfTau.preparePhase2(ours.path, prepared);
  if (!(await readFile(prepared)).equals(await readFile(ours.path)))
    fail(`2^${baselinePower}: our Lagrange sections differ from snarkjs's`);
  const layout = (file) => {
    const sizes = [];
    for (let at = 12; at < file.length; ) {
      const id = file.readUInt32LE(at);
      const size = Number(file.readBigUInt64LE(at + 4));
      if (id !== 7) sizes.push(`${id}:${size}`); // 7 lists contributions: snarkjs's two, our none
      at += 12 + size;
    }
    return sizes.join(' ');
  };
  if (layout(await readFile(theirs)) !== layout(await readFile(ours.path)))
    fail(`2^${baselinePower}: the files' sections differ in size`);
  await globalThis.curve_bn128?.terminate();

  console.log(
    'A development powers of tau, written from its secrets, against snarkjs (same run):\n',
  );
  console.log('| power | ours | snarkjs, four steps | ratio | file |\n|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| 2^${r.power} | ${(r.ms / 1000).toFixed(1)} s | ${r.power === baselinePower ? `${(theirsMs / 1000).toFixed(1)} s` : ''} | ${r.power === baselinePower ? `${(theirsMs / r.ms).toFixed(1)}× faster` : ''} | ${(r.bytes / 2 ** 20).toFixed(1)} MiB |`,
    );
} finally {
  await rm(dir, { recursive: true, force: true });
}

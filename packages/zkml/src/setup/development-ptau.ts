import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { TrustedSetupError } from '../errors.js';
import { check } from '../option-checks.js';
import { loadSnarkjs } from '../prove/load-snarkjs.js';

/**
 * A development powers of tau written straight from its secrets.
 *
 * snarkjs makes one in four steps (new, contribute, beacon, prepare phase 2),
 * and the last computes the Lagrange sections with FFTs over curve points,
 * a scalar multiplication per butterfly (`bench:ptau`: 60.8 s at 2^12 on 2
 * cores, against 3.0 s here). A development file's secrets are known on this machine
 * anyway, so here every point is one fixed-base multiplication of the
 * generator by a scalar computed in the field: τ^i, α·τ^i, β·τ^i, and the
 * Lagrange basis L_j(τ) of each power's domain. A comb table of the
 * generator turns each multiplication into 32 additions.
 *
 * The file is byte for byte what snarkjs's `preparePhase2` makes from the
 * same τ, α and β (a test runs it on this file's first sections and
 * compares), with one difference: it records no contributions, because
 * there were none. It is exactly as insecure as the four-step file, whose
 * secrets were on this machine too.
 */

/**
 * The largest development ptau this writes: its tauG1 section needs the
 * Lagrange basis one power up, and BN254's scalar field has roots of unity
 * of order up to 2^28.
 */
export const MAX_DEV_PTAU_POWER = 27;

/** The secrets of a development ptau; random unless a test fixes them. */
export interface PtauSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

/** The wasm entry points of ffjavascript's bn128 build that this uses. */
interface CurveExports {
  g1m_zero(p: number): void;
  g1m_copy(from: number, to: number): void;
  g1m_add(a: number, b: number, r: number): void;
  g1m_addMixed(a: number, b: number, r: number): void;
  g1m_double(a: number, r: number): void;
  g1m_batchToAffine(from: number, n: number, to: number): void;
  g2m_zero(p: number): void;
  g2m_copy(from: number, to: number): void;
  g2m_add(a: number, b: number, r: number): void;
  g2m_addMixed(a: number, b: number, r: number): void;
  g2m_double(a: number, r: number): void;
  g2m_batchToAffine(from: number, n: number, to: number): void;
}

interface ThreadManager {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  u8: Uint8Array;
  u32: Uint32Array;
  instance: { exports: Partial<CurveExports> };
  pG1gen: number;
  pG2gen: number;
  alloc(length: number): number;
}

interface Bn128 {
  q: bigint;
  r: bigint;
  Fr: { w: Uint8Array[]; toObject(element: Uint8Array): bigint };
  tm: ThreadManager;
}

const N8 = 32;
/** Points per batch: converted to affine together (one inversion) and written together. */
const CHUNK = 1 << 13;
const WINDOWS = N8;

const mod = (a: bigint, r: bigint) => {
  const m = a % r;
  return m < 0n ? m + r : m;
};

function power(base: bigint, exponent: bigint, r: bigint): bigint {
  let result = 1n;
  let b = mod(base, r);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % r;
    b = (b * b) % r;
  }
  return result;
}

/** Inverts every element at the cost of one inversion (Montgomery's trick). */
function batchInvert(values: bigint[], r: bigint): bigint[] {
  const prefix = new Array<bigint>(values.length);
  let acc = 1n;
  for (let i = 0; i < values.length; i++) {
    prefix[i] = acc;
    acc = (acc * (values[i] as bigint)) % r;
  }
  let inv = power(acc, r - 2n, r);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inv * (prefix[i] as bigint)) % r;
    inv = (inv * (values[i] as bigint)) % r;
  }
  return out;
}

/** A random secret in [1, r). */
function randomScalar(r: bigint): bigint {
  for (;;) {
    const s = BigInt(`0x${randomBytes(40).toString('hex')}`) % r;
    if (s !== 0n) return s;
  }
}

/**
 * The scalars of one section, in the order snarkjs writes its points.
 * A generator, so a 2^19-point section never holds all its scalars at once
 * beyond one power's domain.
 */
type ScalarSource = Iterable<bigint[]>;

function* geometric(first: bigint, ratio: bigint, count: number, r: bigint): ScalarSource {
  let s = first;
  for (let done = 0; done < count; ) {
    const n = Math.min(CHUNK, count - done);
    const chunk = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      chunk[i] = s;
      s = (s * ratio) % r;
    }
    done += n;
    yield chunk;
  }
}

/**
 * L_j(τ)·factor for the domain of the 2^p-th roots of unity, j in order:
 * L_j(τ) = ω^j (τ^n − 1) / (n (τ − ω^j)). With `dropLast`, the coefficient
 * of τ^(n−1) is left out, as snarkjs does for the one tauG1 power it has
 * no point for: minus τ^(n−1)·ω^j / n.
 */
function lagrange(
  curve: Bn128,
  tau: bigint,
  p: number,
  factor: bigint,
  dropLast: boolean,
): bigint[] {
  const r = curve.r;
  const n = 2 ** p;
  const omega = curve.Fr.toObject(curve.Fr.w[p] as Uint8Array);
  const tauN = power(tau, BigInt(n), r);
  if (tauN === 1n) {
    throw new TrustedSetupError('generating the powers of tau', 'τ is a root of unity; run again');
  }
  const nInv = power(BigInt(n), r - 2n, r);
  const c = ((((tauN - 1n) * nInv) % r) * factor) % r;
  const roots = new Array<bigint>(n);
  const denominators = new Array<bigint>(n);
  let w = 1n;
  for (let j = 0; j < n; j++) {
    roots[j] = w;
    denominators[j] = mod(tau - w, r);
    w = (w * omega) % r;
  }
  const inverses = batchInvert(denominators, r);
  const drop = dropLast ? (((power(tau, BigInt(n - 1), r) * nInv) % r) * factor) % r : 0n;
  const out = new Array<bigint>(n);
  for (let j = 0; j < n; j++) {
    const wj = roots[j] as bigint;
    out[j] = mod(((c * wj) % r) * (inverses[j] as bigint) - drop * wj, r);
  }
  return out;
}

function* lagrangeSection(
  curve: Bn128,
  tau: bigint,
  top: number,
  factor: bigint,
  dropTop: boolean,
): ScalarSource {
  for (let p = 0; p <= top; p++) {
    const all = lagrange(curve, tau, p, factor, dropTop && p === top);
    for (let i = 0; i < all.length; i += CHUNK) yield all.slice(i, i + CHUNK);
  }
}

/** Fixed-base multiplication of one group's generator, by a comb of 32 byte-wide windows. */
class Comb {
  readonly #wasm: CurveExports;
  readonly #tm: ThreadManager;
  readonly #prefix: 'g1m' | 'g2m';
  /** Affine size of a point (bytes): 64 in G1, 128 in G2. */
  readonly affine: number;
  readonly #jacobian: number;
  readonly #table: number;
  readonly #work: number;
  readonly #out: number;

  constructor(tm: ThreadManager, wasm: CurveExports, group: 'G1' | 'G2') {
    this.#tm = tm;
    this.#wasm = wasm;
    this.#prefix = group === 'G1' ? 'g1m' : 'g2m';
    const f = group === 'G1' ? N8 : 2 * N8;
    this.affine = 2 * f;
    this.#jacobian = 3 * f;
    this.#table = tm.alloc(WINDOWS * 256 * this.affine);
    this.#work = tm.alloc(CHUNK * this.#jacobian);
    this.#out = tm.alloc(CHUNK * this.affine);
    this.#build(group === 'G1' ? tm.pG1gen : tm.pG2gen);
  }

  #call(
    name: 'zero' | 'copy' | 'add' | 'addMixed' | 'double' | 'batchToAffine',
    ...args: number[]
  ) {
    (this.#wasm[`${this.#prefix}_${name}`] as (...a: number[]) => void)(...args);
  }

  /** T[k][d] = d·256^k·G, affine, in the table; rows built in the work area. */
  #build(generator: number) {
    const j = this.#jacobian;
    const base = this.#work + 256 * j;
    this.#call('copy', generator, base);
    for (let k = 0; k < WINDOWS; k++) {
      this.#call('zero', this.#work);
      for (let d = 1; d < 256; d++)
        this.#call('add', this.#work + (d - 1) * j, base, this.#work + d * j);
      this.#call('batchToAffine', this.#work, 256, this.#table + k * 256 * this.affine);
      for (let b = 0; b < 8; b++) this.#call('double', base, base);
    }
  }

  /** s_i·G for each scalar, affine, in snarkjs's file layout (Montgomery, little-endian). */
  multiply(scalars: readonly bigint[]): Uint8Array {
    const j = this.#jacobian;
    for (let i = 0; i < scalars.length; i++) {
      const acc = this.#work + i * j;
      this.#call('zero', acc);
      const hex = (scalars[i] as bigint).toString(16).padStart(2 * N8, '0');
      for (let k = 0; k < WINDOWS; k++) {
        const d = Number.parseInt(hex.slice(2 * N8 - 2 * k - 2, 2 * N8 - 2 * k), 16);
        if (d !== 0) this.#call('addMixed', acc, this.#table + (k * 256 + d) * this.affine, acc);
      }
    }
    this.#call('batchToAffine', this.#work, scalars.length, this.#out);
    const u8 = new Uint8Array(this.#tm.memory.buffer);
    return u8.slice(this.#out, this.#out + scalars.length * this.affine);
  }
}

/**
 * Writes a development powers of tau of `power` to `path` from `secrets`
 * (fresh random ones by default, forgotten when this returns).
 *
 * @throws TrustedSetupError when the curve library lacks an entry point this needs.
 */
export async function writeDevelopmentPtau(
  path: string,
  power: number,
  secrets?: PtauSecrets,
  onProgress: (message: string) => void = () => {},
): Promise<void> {
  check.integer('power', power, 1, MAX_DEV_PTAU_POWER);
  const snarkjs = await loadSnarkjs();
  // A single-threaded curve of our own: its memory is ours to grow, and it starts no workers.
  const curve = (await snarkjs.curves.getCurveFromName('bn128', {
    singleThread: true,
  })) as unknown as Bn128;
  const tm = curve.tm;
  const wasm = tm.instance.exports;
  const needed: (keyof CurveExports)[] = [
    'g1m_zero',
    'g1m_copy',
    'g1m_add',
    'g1m_addMixed',
    'g1m_double',
    'g1m_batchToAffine',
    'g2m_zero',
    'g2m_copy',
    'g2m_add',
    'g2m_addMixed',
    'g2m_double',
    'g2m_batchToAffine',
  ];
  const missing = needed.filter((name) => typeof wasm[name] !== 'function');
  if (missing.length > 0) {
    throw new TrustedSetupError(
      'generating the powers of tau',
      `this ffjavascript build lacks ${missing.join(', ')}; install the snarkjs version @mt/zkml pins`,
    );
  }
  // Tables (1.5 MiB) and two chunks per group, past the 1.6 MB ffjavascript starts with.
  const bytes = WINDOWS * 256 * (64 + 128) + CHUNK * (96 + 64 + 192 + 128) + (1 << 20);
  tm.memory.grow(Math.ceil(bytes / 65536));
  tm.u8 = new Uint8Array(tm.memory.buffer);
  tm.u32 = new Uint32Array(tm.memory.buffer);
  const g1 = new Comb(tm, wasm as CurveExports, 'G1');
  const g2 = new Comb(tm, wasm as CurveExports, 'G2');

  const r = curve.r;
  const { tau, alpha, beta } = secrets ?? {
    tau: randomScalar(r),
    alpha: randomScalar(r),
    beta: randomScalar(r),
  };
  const n = 2 ** power;
  const lagrangeCount = (top: number) => 2 ** (top + 1) - 1;

  const file = await open(path, 'w');
  try {
    let position = 0;
    const write = async (chunk: Uint8Array) => {
      await file.write(chunk, 0, chunk.length, position);
      position += chunk.length;
    };
    const u32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      return b;
    };
    const sectionHead = (id: number, size: number) => {
      const b = Buffer.alloc(12);
      b.writeUInt32LE(id, 0);
      b.writeBigUInt64LE(BigInt(size), 4);
      return b;
    };
    const points = async (id: number, comb: Comb, count: number, scalars: ScalarSource) => {
      onProgress(`  section ${id}: ${count} points`);
      await write(sectionHead(id, count * comb.affine));
      let written = 0;
      for (const chunk of scalars) {
        await write(comb.multiply(chunk));
        written += chunk.length;
      }
      if (written !== count) {
        throw new TrustedSetupError(
          'generating the powers of tau',
          `section ${id} got ${written} points, not ${count} (a bug: report it)`,
        );
      }
    };

    await write(Buffer.from('ptau', 'latin1'));
    await write(u32(1)); // version
    await write(u32(11)); // sections
    const q = Buffer.alloc(N8);
    let rest = curve.q;
    for (let i = 0; i < N8; i++, rest >>= 8n) q[i] = Number(rest & 255n);
    await write(sectionHead(1, 4 + N8 + 4 + 4));
    await write(Buffer.concat([u32(N8), q, u32(power), u32(power)]));

    await points(2, g1, 2 * n - 1, geometric(1n, tau, 2 * n - 1, r));
    await points(3, g2, n, geometric(1n, tau, n, r));
    await points(4, g1, n, geometric(alpha, tau, n, r));
    await points(5, g1, n, geometric(beta, tau, n, r));
    await points(6, g2, 1, [[beta]]);
    await write(sectionHead(7, 4));
    await write(u32(0)); // no contributions: the secrets were chosen here

    // tauG1 holds 2n − 1 points, so its Lagrange section goes one power further.
    await points(
      12,
      g1,
      lagrangeCount(power + 1),
      lagrangeSection(curve, tau, power + 1, 1n, true),
    );
    await points(13, g2, lagrangeCount(power), lagrangeSection(curve, tau, power, 1n, false));
    await points(14, g1, lagrangeCount(power), lagrangeSection(curve, tau, power, alpha, false));
    await points(15, g1, lagrangeCount(power), lagrangeSection(curve, tau, power, beta, false));
  } finally {
    await file.close();
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PtauHashMismatchError, TrustedSetupError } from '../errors.js';
import { check } from '../option-checks.js';
import { MAX_DEV_PTAU_POWER, writeDevelopmentPtau } from './development-ptau.js';
import { HERMEZ_PTAU_BLAKE2B } from './hermez-ptau-hashes.js';
import { setupLogger, withSnarkjs } from './snarkjs-session.js';

/** A user-supplied phase-1 file and the blake2b-512 it must have. */
export interface PtauFile {
  path: string;
  /** Pinned blake2b-512 (hex). Optional for the Hermez ceremony files, which are pinned already. */
  blake2b?: string;
}

/** The smallest power a development ptau is generated at: a few seconds on 2 cores, and enough for small circuits. */
export const MIN_DEV_PTAU_POWER = 12;

const DEV_PREFIX = 'dev_pot_';

/**
 * Where development powers of tau are cached: `$MT_ZKML_PTAU_DIR`, else
 * `$XDG_CACHE_HOME/moderntensor/ptau`, else `~/.cache/moderntensor/ptau`.
 */
export function developmentPtauDir(): string {
  const env = process.env;
  if (env.MT_ZKML_PTAU_DIR) return env.MT_ZKML_PTAU_DIR;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'moderntensor', 'ptau');
}

/** The warning every development setup prints. */
export const INSECURE_PTAU_WARNING = [
  '!!! INSECURE DEVELOPMENT SETUP !!!',
  'This powers of tau was generated on this machine, so its toxic waste may be known:',
  'anyone who has it can forge proofs that verify. Use it only for development and tests.',
  'For production, pass the Hermez ceremony file (powersOfTau28_hez_final_NN.ptau) with --ptau.',
].join('\n');

function fileFor(dir: string, power: number): string {
  return join(dir, `${DEV_PREFIX}${String(power).padStart(2, '0')}.ptau`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * A path to a development ptau of exactly `power`, generating one at most
 * once per machine (at `max(power, 12)`, then cached) and deriving smaller
 * powers from a larger cached one with `truncate`. Written to a temporary
 * name and renamed, so a crash or a concurrent run never leaves a partial
 * file under the real name.
 */
export async function developmentPtau(
  power: number,
  onProgress: (message: string) => void = () => {},
): Promise<string> {
  check.integer('power', power, 1, MAX_DEV_PTAU_POWER);
  const dir = developmentPtauDir();
  await mkdir(dir, { recursive: true });
  const wanted = fileFor(dir, power);
  if (await exists(wanted)) return wanted;

  const cached = (await readdir(dir))
    .map((name) => new RegExp(`^${DEV_PREFIX}(\\d\\d)\\.ptau$`).exec(name)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number)
    .filter((p) => p > power)
    .sort((a, b) => a - b);
  const source = cached[0];
  if (source === undefined) {
    const target = Math.max(power, MIN_DEV_PTAU_POWER);
    await generate(dir, target, onProgress);
    if (target === power) return wanted;
    return truncateInto(dir, fileFor(dir, target), power, onProgress);
  }
  return truncateInto(dir, fileFor(dir, source), power, onProgress);
}

async function truncateInto(
  dir: string,
  from: string,
  power: number,
  onProgress: (message: string) => void,
): Promise<string> {
  onProgress(`Deriving smaller powers of tau from ${from}…`);
  const scratch = join(dir, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(scratch);
  try {
    const logger = setupLogger(onProgress);
    await withSnarkjs(async (snarkjs) =>
      logger.check(
        'powersoftau truncate',
        await snarkjs.powersOfTau.truncate(from, join(scratch, DEV_PREFIX), logger),
      ),
    );
    for (const name of await readdir(scratch)) {
      const target = join(dir, name);
      if (!(await exists(target))) await rename(join(scratch, name), target);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return fileFor(dir, power);
}

async function generate(dir: string, power: number, onProgress: (message: string) => void) {
  onProgress(INSECURE_PTAU_WARNING);
  onProgress(
    `Generating a development powers of tau 2^${power} (once per machine; about ${Math.max(1, Math.round(0.75 * 2 ** (power - 10)))} s on 2 cores)…`,
  );
  // A temporary name, renamed when complete: a crash never leaves a partial file under the real name.
  const scratch = join(dir, `tmp-${process.pid}-${randomBytes(4).toString('hex')}.ptau`);
  try {
    await writeDevelopmentPtau(scratch, power, undefined, onProgress);
    await rename(scratch, fileFor(dir, power));
  } finally {
    await rm(scratch, { force: true });
  }
  onProgress(`Development powers of tau cached at ${fileFor(dir, power)}`);
}

/** blake2b-512 of a file, streamed. */
export async function blake2bOfFile(path: string): Promise<string> {
  const hash = createHash('blake2b512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The power a ptau file holds, read from its header section. */
export async function ptauPower(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    await file.read(head, 0, 64, 0);
    if (head.toString('latin1', 0, 4) !== 'ptau') {
      throw new TrustedSetupError('reading the powers of tau', `${path} is not a .ptau file`);
    }
    // magic, version, section count, then section 1: type, 8-byte size, n8, q (n8 bytes), power.
    const n8 = head.readUInt32LE(24);
    return head.readUInt32LE(28 + n8);
  } finally {
    await file.close();
  }
}

/**
 * Checks a user-supplied phase-1 file against its pinned blake2b-512 (the
 * given one, else the Hermez ceremony's for its power) and returns its power.
 *
 * @throws PtauHashMismatchError when the hash differs, TrustedSetupError
 *   when no hash is pinned for it.
 */
export async function checkPtauFile(ptau: PtauFile): Promise<number> {
  const power = await ptauPower(ptau.path);
  const expected = (ptau.blake2b ?? HERMEZ_PTAU_BLAKE2B[power])?.toLowerCase();
  if (!expected) {
    throw new TrustedSetupError(
      'checking the powers of tau',
      `no hash is pinned for ${ptau.path} (power ${power}); pass its blake2b-512 (--ptau-hash) from the ceremony's transcript`,
    );
  }
  const actual = await blake2bOfFile(ptau.path);
  if (actual !== expected) throw new PtauHashMismatchError(ptau.path, expected, actual);
  return power;
}

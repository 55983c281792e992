import { link, mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  isMtErrorWithCode,
  JsonParseError,
  MtError,
  parseJson,
  SchemaValidationError,
} from '@mt/protocol';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { argon2i } from '@noble/hashes/argon2.js';
import { z } from 'zod';
import { Sr25519Hotkey, ss58Decode } from './sr25519.js';

/** Where btwallet keeps wallets: `~/.bittensor/wallets`. */
export const DEFAULT_WALLET_PATH = '~/.bittensor/wallets';

/** A wallet and one of its hotkeys, as btcli names them (`--wallet.name`, `--wallet.hotkey`, `--wallet.path`). */
export interface BittensorWalletLocation {
  /** The wallet's name: a folder under `path`. */
  wallet: string;
  /** The hotkey's name under `hotkeys/`. Default `default`. */
  hotkey?: string;
  /** The wallets' folder. Default `~/.bittensor/wallets`. */
  path?: string;
}

/** Why a wallet file could not be used; `reason` names the case. */
export type BittensorWalletProblem =
  | 'missing'
  | 'too-large'
  | 'not-json'
  | 'legacy-ansible-vault'
  | 'legacy-fernet'
  | 'no-password'
  | 'wrong-password'
  | 'no-secret'
  | 'mismatch'
  | 'exists';

/** A Bittensor wallet file that cannot be read as btwallet writes it, with what to do. */
export class BittensorWalletError extends MtError {
  static readonly code = 'MT_WIRE_BT_WALLET';
  static override readonly isInstance = isMtErrorWithCode<BittensorWalletError>(
    BittensorWalletError.code,
  );

  readonly reason: BittensorWalletProblem;
  /** The file. */
  readonly file: string;

  constructor(reason: BittensorWalletProblem, file: string, message: string) {
    super(BittensorWalletError.code, `${file}: ${message}`);
    this.reason = reason;
    this.file = file;
  }
}

/** The files of a wallet's coldkey and hotkey, btwallet's layout. */
export function bittensorWalletPaths(location: BittensorWalletLocation): {
  coldkey: string;
  coldkeypub: string;
  hotkey: string;
  hotkeypub: string;
} {
  const base = location.path ?? DEFAULT_WALLET_PATH;
  const root = join(base.startsWith('~/') ? join(homedir(), base.slice(2)) : base, location.wallet);
  const hotkey = location.hotkey ?? 'default';
  return {
    coldkey: join(root, 'coldkey'),
    coldkeypub: join(root, 'coldkeypub.txt'),
    hotkey: join(root, 'hotkeys', hotkey),
    hotkeypub: join(root, 'hotkeys', `${hotkey}pub.txt`),
  };
}

/** btwallet's fixed argon2i salt: the same password gives the same key for every wallet. */
const NACL_SALT = Buffer.from('137183dff15a09bc9c90b5518739e9b1', 'hex');
const NACL_PREFIX = Buffer.from('$NACL');

/**
 * btwallet's key derivation for `$NACL` files: argon2i v1.3 of the password,
 * `OPSLIMIT_SENSITIVE` (8 passes) over `MEMLIMIT_SENSITIVE` (512 MiB). In
 * pure JavaScript it takes tens of seconds and the memory.
 */
export function naclKeyfileKey(password: string): Uint8Array {
  return argon2i(new TextEncoder().encode(password), NACL_SALT, {
    t: 8,
    m: 512 * 1024,
    p: 1,
    dkLen: 32,
  });
}

/** Options of reading an encrypted keyfile. */
export interface WalletPasswordOptions {
  /** Where the password is looked up. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The key derivation (for tests: skip argon2i with a known key). Default btwallet's own (argon2i). */
  deriveKey?: (password: string) => Uint8Array;
}

/**
 * The password of an encrypted keyfile, from the environment only: btwallet's
 * own `BT_PW_<PATH>` variable (set by btwallet's `save_password_to_env`;
 * the path upper-cased with `/` and `.` as `_`, the value base64 of the
 * password XOR the variable's name), else `MT_WALLET_PASSWORD`, in clear.
 */
export function walletPassword(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const name = `BT_PW_${file.replace(/[/.]/g, '_').toUpperCase()}`;
  const obfuscated = env[name];
  if (obfuscated !== undefined) {
    const bytes = Buffer.from(obfuscated, 'base64');
    const key = Buffer.from(name);
    return Buffer.from(bytes.map((byte, i) => byte ^ (key[i % key.length] as number))).toString(
      'utf8',
    );
  }
  return env.MT_WALLET_PASSWORD;
}

/** Reads a keyfile, never more than 64 KiB (btwallet's are under 1 KiB). */
async function readKeyfile(file: string): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BittensorWalletError(
        'missing',
        file,
        'no such keyfile; check --wallet, --hotkey and --wallet-path',
      );
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size > 64 * 1024)
      throw new BittensorWalletError(
        'too-large',
        file,
        `${size} bytes is no keyfile (btwallet's are under 1 KiB)`,
      );
    const data = Buffer.alloc(size);
    await handle.read(data, 0, size, 0);
    return data;
  } finally {
    await handle.close();
  }
}

/** The plaintext of a keyfile: itself, or decrypted (`$NACL`) with the password from the environment. */
function plaintextOf(file: string, data: Buffer, options: WalletPasswordOptions): Buffer {
  if (data.subarray(0, 5).equals(NACL_PREFIX)) {
    const password = walletPassword(file, options.env);
    if (password === undefined)
      throw new BittensorWalletError(
        'no-password',
        file,
        "is encrypted; set MT_WALLET_PASSWORD (or btwallet's BT_PW_… variable) in the environment — a password is never a flag",
      );
    const key = (options.deriveKey ?? naclKeyfileKey)(password);
    try {
      return Buffer.from(xsalsa20poly1305(key, data.subarray(5, 29)).decrypt(data.subarray(29)));
    } catch {
      throw new BittensorWalletError('wrong-password', file, 'Wrong password for decryption.');
    }
  }
  if (data.subarray(0, 14).toString('latin1') === '$ANSIBLE_VAULT')
    throw new BittensorWalletError(
      'legacy-ansible-vault',
      file,
      'is an Ansible Vault keyfile (a legacy btwallet format); re-encrypt it as $NACL with btcli (`btcli wallet update`) first',
    );
  if (data.subarray(0, 6).toString('latin1') === 'gAAAAA')
    throw new BittensorWalletError(
      'legacy-fernet',
      file,
      'is a Fernet keyfile (bittensor 6 and older), which no current btwallet can decrypt either; regenerate the key from its mnemonic',
    );
  return data;
}

/**
 * A keyfile's JSON, as btwallet writes it; what each field must be is
 * checked where it is used, so that each lack gets its own message.
 */
const keyfileSchema = z.looseObject({
  publicKey: z.unknown().optional(),
  ss58Address: z.unknown().optional(),
  secretSeed: z.unknown().optional(),
  secretPhrase: z.unknown().optional(),
});
type KeyfileJson = z.output<typeof keyfileSchema>;

function parseKeyfile(file: string, plaintext: Buffer): KeyfileJson {
  try {
    return parseJson(plaintext, keyfileSchema, { typeName: 'keyfile' });
  } catch (error) {
    if (JsonParseError.isInstance(error))
      throw new BittensorWalletError(
        'not-json',
        file,
        'is neither JSON nor a known encrypted keyfile',
      );
    if (SchemaValidationError.isInstance(error))
      throw new BittensorWalletError('not-json', file, 'must hold a JSON object');
    throw error;
  }
}

/**
 * The sr25519 key of a keyfile (a hotkey, or a decrypted coldkey), from its
 * `secretSeed`, checked against the `publicKey` and `ss58Address` it states.
 */
function keyOf(file: string, json: KeyfileJson): Sr25519Hotkey {
  const seed = json.secretSeed;
  if (typeof seed !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(seed))
    throw new BittensorWalletError(
      'no-secret',
      file,
      typeof json.secretPhrase === 'string'
        ? 'holds a mnemonic but no secretSeed; regenerate it with btcli, which writes both'
        : 'holds no secretSeed (a public keyfile?)',
    );
  const key = Sr25519Hotkey.fromSeed(Buffer.from(seed.slice(2), 'hex'));
  const stated = json.ss58Address;
  const publicKey = json.publicKey;
  if (
    (typeof stated === 'string' &&
      !ss58Decode(stated).publicKey.every((b, i) => b === key.publicKey[i])) ||
    (typeof publicKey === 'string' &&
      publicKey.toLowerCase() !== `0x${Buffer.from(key.publicKey).toString('hex')}`)
  )
    throw new BittensorWalletError(
      'mismatch',
      file,
      'its secretSeed is not the key its publicKey and ss58Address name',
    );
  return key;
}

/**
 * A wallet's hotkey, read as btwallet reads it: the JSON keyfile at
 * `NAME/hotkeys/HOTKEY` (or a `$NACL`-encrypted one, with the password from
 * the environment). Legacy formats are refused with a {@link BittensorWalletError} naming them.
 *
 * @example
 * ```ts
 * const hotkey = await loadBittensorHotkey({ wallet: 'miner', hotkey: 'default' });
 * ```
 */
export async function loadBittensorHotkey(
  location: BittensorWalletLocation,
  options: WalletPasswordOptions = {},
): Promise<Sr25519Hotkey> {
  const file = bittensorWalletPaths(location).hotkey;
  return keyOf(file, parseKeyfile(file, plaintextOf(file, await readKeyfile(file), options)));
}

/** A wallet's coldkey (`$NACL`-encrypted as btwallet writes it; the password from the environment). */
export async function loadBittensorColdkey(
  location: BittensorWalletLocation,
  options: WalletPasswordOptions = {},
): Promise<Sr25519Hotkey> {
  const file = bittensorWalletPaths(location).coldkey;
  return keyOf(file, parseKeyfile(file, plaintextOf(file, await readKeyfile(file), options)));
}

/** The SS58 address a public keyfile (`coldkeypub.txt`, `HOTKEYpub.txt`) names. */
export async function readBittensorPublicKeyfile(file: string): Promise<string> {
  const json = parseKeyfile(file, await readKeyfile(file));
  if (typeof json.ss58Address !== 'string')
    throw new BittensorWalletError('no-secret', file, 'names no ss58Address');
  ss58Decode(json.ss58Address);
  return json.ss58Address;
}

/**
 * Writes a hotkey as btwallet does: the unencrypted JSON keyfile (mode 0600)
 * and its `HOTKEYpub.txt`, so btcli and the Python SDK read it. Refuses to
 * replace an existing hotkey unless `overwrite`.
 */
export async function writeBittensorHotkey(
  location: BittensorWalletLocation,
  seed: Uint8Array,
  options: { overwrite?: boolean } = {},
): Promise<Sr25519Hotkey> {
  const key = Sr25519Hotkey.fromSeed(seed);
  const files = bittensorWalletPaths(location);
  const publicKey = `0x${Buffer.from(key.publicKey).toString('hex')}`;
  const publicPart = { accountId: publicKey, publicKey, ss58Address: key.address };
  // btwallet's own field order; privateKey is left out: readers take the seed first.
  const secret = { ...publicPart, secretSeed: `0x${Buffer.from(seed).toString('hex')}` };
  await mkdir(dirname(files.hotkey), { recursive: true, mode: 0o700 });
  await writeAtomically(files.hotkey, JSON.stringify(secret), options.overwrite ?? false);
  await writeAtomically(files.hotkeypub, JSON.stringify(publicPart), true);
  return key;
}

/**
 * Writes a file with mode 0600 through a temporary name, so a reader never
 * sees half of it; without `overwrite`, an existing file is kept (the link
 * fails atomically if one appeared meanwhile).
 */
async function writeAtomically(file: string, text: string, overwrite: boolean): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  if (overwrite) {
    await rename(temporary, file);
    return;
  }
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new BittensorWalletError(
        'exists',
        file,
        'exists already; pass overwrite to replace it',
      );
    throw error;
  } finally {
    await unlink(temporary);
  }
}

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BittensorWalletError,
  bittensorWalletPaths,
  loadBittensorColdkey,
  loadBittensorHotkey,
  readBittensorPublicKeyfile,
  walletPassword,
  writeBittensorHotkey,
} from './wallet.js';

const golden = fileURLToPath(new URL('./test-support/wallet', import.meta.url));
const vectors = JSON.parse(
  readFileSync(new URL('./test-support/wallet-vectors.json', import.meta.url), 'utf8'),
) as {
  hotkey: { seed: string; ss58: string };
  coldkey: { ss58: string; encryption: { password: string; derived_key: string } };
};
const { password, derived_key } = vectors.coldkey.encryption;
/** The argon2i key of the golden password, as measured: the tests that need no KDF skip its 512 MiB. */
const knownKey = (given: string) =>
  Buffer.from(given === password ? derived_key.slice(2) : '00'.repeat(32), 'hex');

const scratch = mkdtempSync(join(tmpdir(), 'mt-bt-wallet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a wallet call was refused for. */
async function reasonOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    if (BittensorWalletError.isInstance(error)) return error.reason;
    throw error;
  }
  return undefined;
}

describe("Bittensor wallets, read as btwallet's golden files", () => {
  const location = { wallet: 'mt-golden', hotkey: 'default', path: golden };

  it('reads the hotkey, its address the one the file states', async () => {
    const hotkey = await loadBittensorHotkey(location);
    expect(hotkey.address).toBe(vectors.hotkey.ss58);
    expect(await readBittensorPublicKeyfile(bittensorWalletPaths(location).hotkeypub)).toBe(
      vectors.hotkey.ss58,
    );
  });

  it('decrypts the $NACL coldkey with the password from the environment', async () => {
    const coldkey = await loadBittensorColdkey(location, {
      env: { MT_WALLET_PASSWORD: password },
      deriveKey: knownKey,
    });
    expect(coldkey.address).toBe(vectors.coldkey.ss58);
    expect(await readBittensorPublicKeyfile(bittensorWalletPaths(location).coldkeypub)).toBe(
      vectors.coldkey.ss58,
    );
  });

  it("reads btwallet's own obfuscated BT_PW_ variable", async () => {
    const file = bittensorWalletPaths(location).coldkey;
    const name = `BT_PW_${file.replace(/[/.]/g, '_').toUpperCase()}`;
    const key = Buffer.from(name);
    const value = Buffer.from(
      Buffer.from(password).map((byte, i) => byte ^ (key[i % key.length] as number)),
    ).toString('base64');
    expect(walletPassword(file, { [name]: value })).toBe(password);
    const coldkey = await loadBittensorColdkey(location, {
      env: { [name]: value },
      deriveKey: knownKey,
    });
    expect(coldkey.address).toBe(vectors.coldkey.ss58);
  });

  it('refuses a wrong password, and no password, in btwallet words', async () => {
    expect(
      await reasonOf(
        loadBittensorColdkey(location, {
          env: { MT_WALLET_PASSWORD: 'wrong' },
          deriveKey: knownKey,
        }),
      ),
    ).toBe('wrong-password');
    expect(await reasonOf(loadBittensorColdkey(location, { env: {} }))).toBe('no-password');
  });

  it('derives the key with the real argon2i (8 passes over 512 MiB), as btwallet does', {
    timeout: 300_000,
  }, async () => {
    const coldkey = await loadBittensorColdkey(location, {
      env: { MT_WALLET_PASSWORD: password },
    });
    expect(coldkey.address).toBe(vectors.coldkey.ss58);
  });
});

describe('Bittensor wallet files that are not what they claim', () => {
  const write = async (name: string, content: string | Buffer) => {
    const files = bittensorWalletPaths({ wallet: name, path: scratch });
    await mkdir(join(scratch, name, 'hotkeys'), { recursive: true });
    writeFileSync(files.hotkey, content);
    return loadBittensorHotkey({ wallet: name, path: scratch }, { env: {} });
  };

  it('names each legacy format and refuses what is no keyfile', async () => {
    expect(await reasonOf(write('ansible', '$ANSIBLE_VAULT;1.1;AES256\n3132'))).toBe(
      'legacy-ansible-vault',
    );
    expect(await reasonOf(write('fernet', 'gAAAAABlegacy'))).toBe('legacy-fernet');
    expect(await reasonOf(write('garbage', 'not a keyfile'))).toBe('not-json');
    expect(await reasonOf(write('big', Buffer.alloc(100_000, 32)))).toBe('too-large');
    expect(await reasonOf(loadBittensorHotkey({ wallet: 'none', path: scratch }))).toBe('missing');
  });

  it('refuses a keyfile whose seed is not the key it names, and one without a seed', async () => {
    const text = readFileSync(join(golden, 'mt-golden/hotkeys/default'), 'utf8');
    const swapped = text.replace(vectors.hotkey.ss58, vectors.coldkey.ss58);
    expect(await reasonOf(write('swapped', swapped))).toBe('mismatch');
    const publicOnly = readFileSync(join(golden, 'mt-golden/hotkeys/defaultpub.txt'), 'utf8');
    expect(await reasonOf(write('public', publicOnly))).toBe('no-secret');
  });
});

describe('Bittensor wallet files we write', () => {
  it('are read back by the same code path, with mode 0600 and the public file btwallet writes', async () => {
    const location = { wallet: 'ours', hotkey: 'miner', path: scratch };
    const seed = Buffer.from(vectors.hotkey.seed.slice(2), 'hex');
    const written = await writeBittensorHotkey(location, seed);
    const files = bittensorWalletPaths(location);
    expect(statSync(files.hotkey).mode & 0o777).toBe(0o600);
    expect((await loadBittensorHotkey(location)).address).toBe(written.address);
    expect(written.address).toBe(vectors.hotkey.ss58);
    expect(readFileSync(files.hotkeypub, 'utf8')).toBe(
      readFileSync(join(golden, 'mt-golden/hotkeys/defaultpub.txt'), 'utf8'),
    );
    expect(await reasonOf(writeBittensorHotkey(location, seed))).toBe('exists');
  });
});

import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyFileError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidAddressError } from '../errors.js';
import { addressFromPublicKey, publicKeyFromAddress } from './address.js';
import { Hotkey, verifySignature } from './hotkey.js';
import { loadHotkey, loadOrCreateHotkey, saveHotkey } from './key-file.js';

const message = Buffer.from('subnet 7, epoch 12');

describe('Hotkey', () => {
  it('signs with ed25519 and verifies by address', () => {
    const key = Hotkey.generate();
    const signature = key.sign(message);
    expect(signature).toHaveLength(64);
    expect(verifySignature(key.address, message, signature)).toBe(true);
    expect(verifySignature(key.address, Buffer.from('subnet 7, epoch 13'), signature)).toBe(false);
    expect(verifySignature(Hotkey.generate().address, message, signature)).toBe(false);
    expect(verifySignature(key.address, message, signature.subarray(0, 63))).toBe(false);
    expect(verifySignature('not-an-address', message, signature)).toBe(false);
  });

  it('matches the RFC 8032 test vector 1', () => {
    const key = Hotkey.fromSeed(
      Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
    );
    expect(Buffer.from(key.publicKey).toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(Buffer.from(key.sign(new Uint8Array())).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('has a printable address with a checksum that catches typos', () => {
    const key = Hotkey.generate();
    expect(key.address).toMatch(/^mt[1-9A-HJ-NP-Za-km-z]+$/);
    expect(publicKeyFromAddress(key.address)).toEqual(key.publicKey);
    expect(addressFromPublicKey(key.publicKey)).toBe(key.address);
    const last = key.address.at(-1) === 'a' ? 'b' : 'a';
    const typo = key.address.slice(0, -1) + last;
    expect(() => publicKeyFromAddress(typo)).toThrow(InvalidAddressError);
    expect(() => publicKeyFromAddress(`xx${key.address.slice(2)}`)).toThrow(/must start with 'mt'/);
  });
});

describe('key files', () => {
  const dir = () => mkdtemp(join(tmpdir(), 'mt-keys-'));

  it('saves with mode 0600 and loads the same key', async () => {
    const path = join(await dir(), 'hotkey.json');
    const key = Hotkey.generate();
    await saveHotkey(key, path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const loaded = await loadHotkey(path);
    expect(loaded.address).toBe(key.address);
    expect(verifySignature(key.address, message, loaded.sign(message))).toBe(true);
  });

  it('refuses to overwrite an existing key file', async () => {
    const path = join(await dir(), 'hotkey.json');
    await saveHotkey(Hotkey.generate(), path);
    const before = await readFile(path, 'utf8');
    await expect(saveHotkey(Hotkey.generate(), path)).rejects.toThrow(/refusing to overwrite/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses a key file others can read, and says how to fix it', async () => {
    const path = join(await dir(), 'hotkey.json');
    await saveHotkey(Hotkey.generate(), path);
    await chmod(path, 0o644);
    const error = await loadHotkey(path).catch((e: unknown) => e);
    expect(KeyFileError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/mode 644.*chmod 600/);
  });

  it('refuses corrupt or foreign files with a typed error', async () => {
    const folder = await dir();
    const write = async (name: string, text: string) => {
      const path = join(folder, name);
      await writeFile(path, text, { mode: 0o600 });
      return path;
    };
    await expect(loadHotkey(await write('a.json', 'not json'))).rejects.toThrow(/is not JSON/);
    await expect(loadHotkey(await write('b.json', '{"type":"other"}'))).rejects.toThrow(
      /not a ModernTensor hotkey/,
    );
    const key = Hotkey.generate();
    const wrongAddress = JSON.stringify({
      type: 'moderntensor-hotkey',
      version: 1,
      address: Hotkey.generate().address,
      seed: Buffer.from(key.exportSeed()).toString('hex'),
    });
    await expect(loadHotkey(await write('c.json', wrongAddress))).rejects.toThrow(/corrupt/);
    await expect(loadHotkey(join(folder, 'missing.json'))).rejects.toThrow(KeyFileError);
  });

  it('never blocks on a FIFO or follows a link given as a key file', async () => {
    const folder = await dir();
    const fifo = join(folder, 'fifo.json');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    // Before: reading a FIFO waited forever for a writer.
    await expect(loadHotkey(fifo)).rejects.toThrow(/is not a regular file/);
    await expect(loadOrCreateHotkey(fifo)).rejects.toThrow(/is not a regular file/);
    const real = join(folder, 'real.json');
    await saveHotkey(Hotkey.generate(), real);
    const link = join(folder, 'link.json');
    await symlink(real, link);
    await expect(loadHotkey(link)).rejects.toThrow(/symbolic link/);
    // A dangling link is not "missing": nothing is written through it.
    const dangling = join(folder, 'dangling.json');
    await symlink(join(folder, 'elsewhere.json'), dangling);
    await expect(loadOrCreateHotkey(dangling)).rejects.toThrow(KeyFileError);
    await expect(stat(join(folder, 'elsewhere.json'))).rejects.toThrow();
  });

  it('makes its folders 0700 whatever the umask, and refuses a folder others may write', async () => {
    const folder = await dir();
    const path = join(folder, 'a', 'b', 'hotkey.json');
    const old = process.umask(0);
    try {
      await loadOrCreateHotkey(path);
    } finally {
      process.umask(old);
    }
    expect((await stat(join(folder, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, 'a', 'b'))).mode & 0o777).toBe(0o700);
    await chmod(join(folder, 'a', 'b'), 0o777);
    await expect(loadHotkey(path)).rejects.toThrow(/folder others may write to.*chmod 700/);
  });
});

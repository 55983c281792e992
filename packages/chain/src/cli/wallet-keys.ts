import { coldkeyPassphrase, type WalletOptionValues } from '@mt/cli';
import { CliUsageError, loadPeer } from '@mt/protocol';
import { type ChainKeypair, canonicalAddress, keypairFromSeed } from '../keys/keypair.js';
import { loadColdkey } from '../keys/keystore.js';

/** `@mt/wire`, which reads Bittensor wallets and our hotkey files: loaded only when a command needs one. */
function wire() {
  return loadPeer({
    name: '@mt/wire',
    range: '^0.1.0',
    feature: "mt-chain's --wallet and --hotkey-file",
    load: async () => ({ ...(await import('@mt/wire/bittensor')), ...(await import('@mt/wire')) }),
  });
}

/** Where a command's keys come from, as its options name them. */
export interface KeyOptions extends WalletOptionValues {
  /** A polkadot-js keystore coldkey (passphrase from `$MT_COLDKEY_PASSPHRASE`). */
  coldkey?: string;
  /** One of our hotkey files (`@mt/wire`'s `saveHotkey`). */
  hotkeyFile?: string;
  /** A hotkey by address, where only its address is needed (registering, staking). */
  hotkeySs58?: string;
  /** An account by address, where only its address is needed (a balance). */
  address?: string;
}

const location = (options: KeyOptions & { wallet: string }) => ({
  wallet: options.wallet,
  hotkey: options.hotkey,
  path: options.walletPath,
});

/**
 * The coldkey that signs: a keystore file (`--coldkey`) or a Bittensor
 * wallet's (`--wallet`, its password from `MT_WALLET_PASSWORD`), never a flag.
 */
export async function coldkeyOf(options: KeyOptions): Promise<ChainKeypair> {
  if (options.coldkey !== undefined) return loadColdkey(options.coldkey, coldkeyPassphrase());
  if (options.wallet === undefined)
    throw new CliUsageError('give --coldkey FILE.json or --wallet NAME');
  const { loadBittensorColdkey } = await wire();
  const coldkey = await loadBittensorColdkey(location({ ...options, wallet: options.wallet }));
  return keypairFromSeed(coldkey.exportSeed(), 'sr25519');
}

/** The hotkey that signs (weights, endpoints): a Bittensor wallet's (sr25519) or one of our key files (ed25519). */
export async function hotkeyOf(options: KeyOptions): Promise<ChainKeypair> {
  if (options.hotkeyFile !== undefined) {
    const { loadHotkey } = await wire();
    return keypairFromSeed((await loadHotkey(options.hotkeyFile)).exportSeed(), 'ed25519');
  }
  if (options.wallet === undefined)
    throw new CliUsageError('give --wallet NAME --hotkey NAME, or --hotkey-file FILE');
  const { loadBittensorHotkey } = await wire();
  const hotkey = await loadBittensorHotkey(location({ ...options, wallet: options.wallet }));
  return keypairFromSeed(hotkey.exportSeed(), 'sr25519');
}

/** A hotkey's address: `--hotkey-ss58`, a key file's, or a wallet's public hotkey file (nothing decrypted). */
export async function hotkeyAddressOf(options: KeyOptions): Promise<string> {
  if (options.hotkeySs58 !== undefined)
    return canonicalAddress(options.hotkeySs58, '--hotkey-ss58');
  if (options.hotkeyFile !== undefined) return (await hotkeyOf(options)).address;
  if (options.wallet === undefined)
    throw new CliUsageError('give --hotkey-ss58 ADDRESS, --hotkey-file FILE or --wallet NAME');
  const { loadBittensorHotkey } = await wire();
  return (await loadBittensorHotkey(location({ ...options, wallet: options.wallet }))).address;
}

/** An account's address: `--address`, or a wallet's `coldkeypub.txt` (nothing decrypted). */
export async function accountAddressOf(options: KeyOptions): Promise<string> {
  if (options.address !== undefined) return canonicalAddress(options.address, '--address');
  if (options.wallet === undefined)
    throw new CliUsageError('give --address ADDRESS or --wallet NAME');
  const { bittensorWalletPaths, readBittensorPublicKeyfile } = await wire();
  return readBittensorPublicKeyfile(
    bittensorWalletPaths(location({ ...options, wallet: options.wallet })).coldkeypub,
  );
}

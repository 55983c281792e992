import type { WalletOptionValues } from '@mt/cli';
import { loadPeer } from '@mt/protocol';
import { type ChainKeypair, keypairFromSeed } from '../keys/keypair.js';

/** `@mt/wire/bittensor`, which reads Bittensor wallets: loaded only for `--wallet`. */
function bittensorWallets() {
  return loadPeer({
    name: '@mt/wire',
    range: '^0.1.0',
    feature: "mt-chain's --wallet (Bittensor wallets)",
    load: () => import('@mt/wire/bittensor'),
  });
}

/** A wallet's hotkey address (SS58, prefix 42), from its hotkey file; nothing secret is read into this process's output. */
export async function walletHotkeyAddress(
  options: WalletOptionValues & { wallet: string },
): Promise<string> {
  const { loadBittensorHotkey } = await bittensorWallets();
  const hotkey = await loadBittensorHotkey({
    wallet: options.wallet,
    hotkey: options.hotkey,
    path: options.walletPath,
  });
  return hotkey.address;
}

/**
 * A wallet's coldkey as a chain keypair: the `$NACL` file decrypted with the
 * password from the environment (`MT_WALLET_PASSWORD`, or btwallet's own
 * `BT_PW_…`), never a flag.
 */
export async function walletColdkey(
  options: WalletOptionValues & { wallet: string },
): Promise<ChainKeypair> {
  const { loadBittensorColdkey } = await bittensorWallets();
  const coldkey = await loadBittensorColdkey({ wallet: options.wallet, path: options.walletPath });
  return keypairFromSeed(coldkey.exportSeed(), 'sr25519');
}

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { type WalletOptionValues, walletOptions } from './wallet-options.js';

describe('walletOptions', () => {
  it("reads btcli's wallet options, with btcli's defaults", () => {
    const parse = (args: string[]) =>
      walletOptions(new Command().exitOverride())
        .parse(args, { from: 'user' })
        .opts<WalletOptionValues>();
    expect(parse([])).toEqual({ hotkey: 'default', walletPath: '~/.bittensor/wallets' });
    expect(parse(['--wallet', 'miner', '--hotkey', 'h1', '--wallet-path', '/w'])).toEqual({
      wallet: 'miner',
      hotkey: 'h1',
      walletPath: '/w',
    });
  });
});

import { CliUsageError } from '@mt/protocol';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { coldkeyPassphrase, type WalletOptionValues, walletOptions } from './wallet-options.js';

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

describe('coldkeyPassphrase', () => {
  it('reads $MT_COLDKEY_PASSPHRASE, and refuses an unset or empty one with a usage error that names it', () => {
    expect(coldkeyPassphrase(undefined, { MT_COLDKEY_PASSPHRASE: 'hunter2' })).toBe('hunter2');
    for (const env of [{}, { MT_COLDKEY_PASSPHRASE: '' }]) {
      const error = (() => {
        try {
          coldkeyPassphrase('that encrypts the key', env);
        } catch (e) {
          return e;
        }
      })();
      expect(CliUsageError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        'set $MT_COLDKEY_PASSPHRASE to the passphrase that encrypts the key',
      );
    }
  });
});

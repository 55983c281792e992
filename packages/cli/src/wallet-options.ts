import { CliUsageError } from '@mt/protocol';
import type { Command } from 'commander';

/** The values of {@link walletOptions}, as commander hands them to an action. */
export interface WalletOptionValues {
  /** The wallet's name, when one was given. */
  wallet?: string;
  /** The hotkey's name in it. */
  hotkey: string;
  /** Where the wallets are. */
  walletPath: string;
}

/**
 * btcli's wallet options, named as btcli names them (`--wallet NAME
 * --hotkey NAME [--wallet-path DIR]`), so every `mt-*` program that signs
 * takes a Bittensor wallet the same way. A password is never an option: an
 * encrypted coldkey's comes from the environment (`MT_WALLET_PASSWORD`).
 *
 * @example
 * ```ts
 * walletOptions(program.option('--port <n>', 'port', integer({ min: 0 })));
 * ```
 */
export function walletOptions(command: Command): Command {
  return command
    .option(
      '--wallet <name>',
      "a Bittensor wallet (btcli's layout): sign with its sr25519 keys, on Bittensor's Synapse wire",
    )
    .option('--hotkey <name>', "the wallet's hotkey", 'default')
    .option('--wallet-path <dir>', 'where Bittensor wallets are', '~/.bittensor/wallets');
}

/** The variable a keystore coldkey's passphrase comes from: never a flag, never a file. */
export const COLDKEY_PASSPHRASE_ENV = 'MT_COLDKEY_PASSPHRASE';

/**
 * The passphrase of a polkadot-js keystore coldkey (`--coldkey FILE.json`),
 * from `$MT_COLDKEY_PASSPHRASE`: the one place every `mt-*` program reads it.
 * `purpose` ends the usage error when it is unset ("decrypts --coldkey").
 *
 * @throws CliUsageError when the variable is unset or empty.
 */
export function coldkeyPassphrase(
  purpose = 'that decrypts --coldkey',
  env: Record<string, string | undefined> = process.env,
): string {
  const value = env[COLDKEY_PASSPHRASE_ENV];
  if (!value)
    throw new CliUsageError(`set $${COLDKEY_PASSPHRASE_ENV} to the passphrase ${purpose}`);
  return value;
}

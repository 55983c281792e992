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

import {
  amount,
  type CliRunner,
  COLDKEY_PASSPHRASE_ENV,
  type Command,
  coldkeyPassphrase,
  defineCli,
  integer,
  jsonOption,
  printResult,
  subnetNumber,
  type WalletOptionValues,
  walletOptions,
} from '@mt/cli';
import { CliUsageError } from '@mt/protocol';
import { packageVersion } from '@mt/protocol/node';
import { generateKeypair } from '../keys/keypair.js';
import { loadColdkey, saveColdkey } from '../keys/keystore.js';
import { LocalChain } from '../local/local-chain.js';
import { walletColdkey, walletHotkeyAddress } from './wallet-keys.js';

/** Where a coldkey passphrase comes from: never a flag, which `ps` and shell history would show. */

/**
 * `mt-chain`: the embedded chain from a shell: `genesis` makes a chain file,
 * `run` produces blocks (printing each epoch), `status` shows a subnet's
 * metagraph, `subnet create` makes a subnet, `register` and `stake add`
 * put a Bittensor wallet's hotkey on one (`--wallet NAME --hotkey NAME
 * [--wallet-path DIR]`, as btcli), `key new` writes an encrypted coldkey
 * (passphrase from `$MT_COLDKEY_PASSPHRASE`) and prints only its address.
 * The file is `--file`, else `$MT_CHAIN`.
 *
 * @example
 * ```ts
 * await runChainCli(['--file', 'chain.sqlite', 'genesis', '--sudo', sudoAddress], processIo);
 * ```
 */
export const runChainCli: CliRunner = defineCli(
  {
    name: 'mt-chain',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description: 'The embedded ModernTensor chain (SQLite, every call signed).',
  },
  (program, cli) => {
    program.option('--file <chain.sqlite>', 'the chain file (default $MT_CHAIN)');
    const chainFile = () => {
      const file = program.opts<{ file?: string }>().file ?? process.env.MT_CHAIN;
      if (!file) throw new CliUsageError('give --file CHAIN.sqlite (or set MT_CHAIN)');
      return file;
    };
    const withChain = async (work: (chain: LocalChain) => Promise<void> | void) => {
      const chain = LocalChain.open(chainFile());
      try {
        await work(chain);
      } finally {
        await chain.close();
      }
    };

    command(program, 'genesis', 'create a chain file with its sudo key and starting balances')
      .requiredOption('--sudo <address>', 'SS58 address of the sudo key')
      .option('--balance <address=rao...>', 'a starting free balance (repeatable)')
      .option('--block-emission <rao>', 'rao emitted per block', amount, 1_000_000_000n)
      .option(
        '--subnet-lock <rao>',
        'the least a new subnet locks from its creator (default 1,000 TAO)',
        amount,
      )
      .option(
        '--subnet-rate-limit <blocks>',
        'blocks between two subnet creations (default 7,200)',
        integer({ min: 0 }),
      )
      .action(
        (options: {
          sudo: string;
          balance?: string[];
          blockEmission: bigint;
          subnetLock?: bigint;
          subnetRateLimit?: number;
          json?: boolean;
        }) => {
          const balances = (options.balance ?? []).map((spec) => {
            const match = /^([1-9A-HJ-NP-Za-km-z]{40,60})=(\d+)$/.exec(spec);
            if (!match) throw new CliUsageError(`--balance ${spec} is not ADDRESS=RAO`);
            return [match[1] as string, BigInt(match[2] as string)] as const;
          });
          const chain = LocalChain.create(chainFile(), {
            sudo: options.sudo,
            balances,
            blockEmission: options.blockEmission,
            ...(options.subnetLock === undefined ? {} : { subnetLockCost: options.subnetLock }),
            ...(options.subnetRateLimit === undefined
              ? {}
              : { subnetRateLimitBlocks: options.subnetRateLimit }),
          });
          cli.io.stdout(
            printResult(
              { genesis: chain.genesisId, sudo: options.sudo },
              { json: options.json === true },
            ),
          );
          void chain.close();
        },
      );

    command(program, 'run', 'produce a block every --block-ms and print each epoch')
      .option('--block-ms <ms>', 'milliseconds between blocks', integer({ min: 1 }), 1_000)
      .option(
        '--blocks <n>',
        'stop after this many blocks (default: until stopped)',
        integer({ min: 1 }),
      )
      .action(async (options: { blockMs: number; blocks?: number; json?: boolean }) => {
        await withChain(async (chain) => {
          const limit = options.blocks ?? Number.POSITIVE_INFINITY;
          for (let produced = 0; produced < limit && !cli.signal.aborted; produced += 1) {
            await new Promise((resolve) => setTimeout(resolve, options.blockMs));
            for (const netuid of chain.advanceBlocks(1)) {
              const block = await chain.head();
              cli.io.stdout(
                options.json
                  ? `${JSON.stringify({ netuid, block })}\n`
                  : `epoch on subnet ${netuid} at block ${block}\n`,
              );
            }
          }
        });
      });

    command(program, 'status', "a subnet's block and metagraph")
      .requiredOption('--netuid <n>', 'the subnet', subnetNumber)
      .action(async (options: { netuid: number; json?: boolean }) => {
        await withChain(async (chain) => {
          const graph = await chain.metagraph(options.netuid);
          const neurons = graph.neurons.map((n) => ({
            uid: n.uid,
            hotkey: n.hotkey,
            endpoint: n.endpoint,
            stake: n.stake.toString(),
            incentive: n.incentive,
            dividends: n.dividends,
            emission: n.emission.toString(),
          }));
          cli.io.stdout(
            options.json
              ? printResult({ block: graph.block, neurons }, { json: true })
              : `block ${graph.block}\n${printResult(neurons, { json: false })}`,
          );
        });
      });

    const subnet = program
      .command('subnet')
      .description('subnets: create one, set what it runs on');
    /** The coldkey that signs: a keystore file (passphrase from the environment) or a Bittensor wallet's. */
    const coldkeyOf = async (options: { coldkey?: string } & WalletOptionValues) => {
      if (options.wallet !== undefined)
        return walletColdkey({ ...options, wallet: options.wallet });
      if (options.coldkey === undefined)
        throw new CliUsageError('give --coldkey FILE.json or --wallet NAME');
      return loadColdkey(options.coldkey, coldkeyPassphrase());
    };

    walletOptions(
      command(
        subnet,
        'create',
        `create a subnet owned by a coldkey (a keystore with its passphrase from $${COLDKEY_PASSPHRASE_ENV}, or a Bittensor wallet's with MT_WALLET_PASSWORD); prints its netuid`,
      )
        .option('--coldkey <file.json>', 'the owner: pays for the subnet, sets its hyperparameters')
        .option('--tempo <blocks>', 'blocks between epochs', integer({ min: 1, max: 65_535 })),
    ).action(
      async (
        options: { coldkey?: string; tempo?: number; json?: boolean } & WalletOptionValues,
      ) => {
        const owner = await coldkeyOf(options);
        await withChain(async (chain) => {
          // The subnet's UID 0 goes to an owner hotkey; none of this CLI's programs signs with it.
          const ownerHotkey = (await generateKeypair('ed25519')).pair.address;
          const netuid = await chain.createSubnet(owner, ownerHotkey);
          if (options.tempo !== undefined)
            await chain.setHyperparameters(owner, netuid, { tempo: options.tempo });
          cli.io.stdout(
            printResult({ netuid, owner: owner.address }, { json: options.json === true }),
          );
        });
      },
    );

    /** A wallet's hotkey address and coldkey, for the commands that act for a wallet. */
    const walletKeys = async (options: WalletOptionValues) => {
      if (options.wallet === undefined)
        throw new CliUsageError('give --wallet NAME (and --hotkey NAME)');
      const wallet = { ...options, wallet: options.wallet };
      return { hotkey: await walletHotkeyAddress(wallet), coldkey: await walletColdkey(wallet) };
    };

    walletOptions(
      command(
        program,
        'register',
        "register a Bittensor wallet's hotkey on a subnet, paid by its coldkey (as btcli subnets register); prints its UID",
      ).requiredOption('--netuid <n>', 'the subnet', subnetNumber),
    ).action(async (options: { netuid: number; json?: boolean } & WalletOptionValues) => {
      const { hotkey, coldkey } = await walletKeys(options);
      await withChain(async (chain) => {
        const uid = await chain.register(coldkey, options.netuid, hotkey);
        cli.io.stdout(
          printResult({ netuid: options.netuid, uid, hotkey }, { json: options.json === true }),
        );
      });
    });

    const stake = program.command('stake').description('stake on hotkeys');
    walletOptions(
      command(
        stake,
        'add',
        "stake rao from a Bittensor wallet's coldkey on its hotkey (as btcli stake add)",
      )
        .requiredOption('--netuid <n>', 'the subnet', subnetNumber)
        .requiredOption('--amount <rao>', 'rao to stake', amount),
    ).action(
      async (options: { netuid: number; amount: bigint; json?: boolean } & WalletOptionValues) => {
        const { hotkey, coldkey } = await walletKeys(options);
        await withChain(async (chain) => {
          await chain.addStake(coldkey, options.netuid, hotkey, options.amount);
          cli.io.stdout(
            printResult(
              { netuid: options.netuid, hotkey, staked: options.amount.toString() },
              { json: options.json === true },
            ),
          );
        });
      },
    );

    const key = program.command('key').description('coldkeys in the polkadot-js keystore format');
    command(
      key,
      'new',
      `write a new encrypted coldkey (passphrase from $${COLDKEY_PASSPHRASE_ENV}); prints its address`,
    )
      .requiredOption('--out <file.json>', 'where to write it (must not exist)')
      .option('--type <scheme>', 'sr25519 or ed25519', 'sr25519')
      .action(async (options: { out: string; type: string; json?: boolean }) => {
        const passphrase = coldkeyPassphrase('that encrypts the key');
        if (options.type !== 'sr25519' && options.type !== 'ed25519') {
          throw new CliUsageError(`--type ${options.type} is not sr25519 or ed25519`);
        }
        const { pair } = await generateKeypair(options.type);
        await saveColdkey(options.out, pair, passphrase);
        cli.io.stdout(
          printResult(
            { address: pair.address, file: options.out },
            { json: options.json === true },
          ),
        );
      });
  },
);

function command(parent: Command, name: string, description: string): Command {
  return jsonOption(parent.command(name).description(description));
}

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
  walletOptions,
} from '@mt/cli';
import { CliUsageError } from '@mt/protocol';
import { packageVersion } from '@mt/protocol/node';
import type { ChainClient } from '../contract/chain-client.js';
import { generateKeypair } from '../keys/keypair.js';
import { saveColdkey } from '../keys/keystore.js';
import { LocalChain } from '../local/local-chain.js';
import { randomSalt, weightCommitHash } from '../weights/commit-hash.js';
import {
  accountAddressOf,
  coldkeyOf,
  hotkeyAddressOf,
  hotkeyOf,
  type KeyOptions,
} from './wallet-keys.js';

/** A list of u16s as a flag takes it: `1,2,3`. */
function u16List(text: string): number[] {
  const parse = integer({ min: 0, max: 65_535 });
  return text.split(',').map((part) => parse(part.trim()));
}

/**
 * `mt-chain`: a chain from a shell, as btcli is for subtensor. `--chain` is a
 * `LocalChain` file or a subtensor node's `ws://`/`wss://` URL (else
 * `$MT_CHAIN`); every command but `genesis` and `run` (a file's own) works on
 * both, and each prints JSON with `--json`:
 * - `subnets list|show|create`, `metagraph` (alias `status`);
 * - `register`, `stake add|remove`, `transfer`, `balance`;
 * - `weights set|commit|reveal|show|pending`, `serve`;
 * - `genesis` and `run` for a file; `key new` writes an encrypted coldkey.
 *
 * Keys: a coldkey from `--coldkey FILE.json` (polkadot-js keystore, its
 * passphrase from `$MT_COLDKEY_PASSPHRASE`) or a Bittensor wallet (`--wallet
 * NAME`, password from `MT_WALLET_PASSWORD`); a hotkey from the wallet
 * (`--hotkey NAME`), one of our key files (`--hotkey-file`), or by address
 * alone where no signature is needed (`--hotkey-ss58`). Nothing secret is
 * ever a flag or printed.
 *
 * @example
 * ```ts
 * await runChainCli(['--chain', 'chain.sqlite', 'genesis', '--sudo', sudoAddress], processIo);
 * await runChainCli(['--chain', 'ws://127.0.0.1:9944', 'metagraph', '--netuid', '1', '--json'], processIo);
 * ```
 */
export const runChainCli: CliRunner = defineCli(
  {
    name: 'mt-chain',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description:
      'A chain from a shell: a LocalChain file or any subtensor node (ws://, wss://), as btcli.',
  },
  (program, cli) => {
    program
      .option(
        '--chain <file|url>',
        'a LocalChain file, or a subtensor node ws(s):// URL (default $MT_CHAIN)',
      )
      .option('--file <chain.sqlite>', 'a LocalChain file (as --chain FILE)')
      .option(
        '--allow-private-endpoints',
        'show and publish endpoints on loopback and private addresses (a devnet, a LAN)',
      );
    const target = () => {
      const options = program.opts<{ chain?: string; file?: string }>();
      const chain = options.chain ?? options.file ?? process.env.MT_CHAIN;
      if (!chain)
        throw new CliUsageError('give --chain FILE.sqlite or ws://NODE (or set MT_CHAIN)');
      return chain;
    };
    const isNode = (chain: string) => /^wss?:\/\//.test(chain);
    const allowPrivateEndpoints = () =>
      program.opts<{ allowPrivateEndpoints?: boolean }>().allowPrivateEndpoints === true;
    /** A command's chain: the node at a URL, or the file; closed when the work is done. */
    const withAnyChain = async <T>(work: (chain: ChainClient) => Promise<T>): Promise<T> => {
      const where = target();
      const chain: ChainClient = isNode(where)
        ? await (await import('../subtensor/subtensor-chain.js')).SubtensorChain.connect(where, {
            allowPrivateEndpoints: allowPrivateEndpoints(),
          })
        : LocalChain.open(where, { allowPrivateEndpoints: allowPrivateEndpoints() });
      try {
        return await work(chain);
      } finally {
        await chain.close();
      }
    };
    /** A file's own command (genesis, run): a node URL is refused with what to give instead. */
    const localFile = (what: string) => {
      const where = target();
      if (isNode(where))
        throw new CliUsageError(`${what} works on a LocalChain file; give --chain FILE.sqlite`);
      return where;
    };
    /** `run`'s chain: the file itself, which produces the blocks. */
    const withLocalFile = async (work: (chain: LocalChain) => Promise<void> | void) => {
      const chain = LocalChain.open(localFile('run'), {
        allowPrivateEndpoints: allowPrivateEndpoints(),
      });
      try {
        await work(chain);
      } finally {
        await chain.close();
      }
    };
    const print = (value: unknown, options: { json?: boolean }) =>
      cli.io.stdout(printResult(value, { json: options.json === true }));

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
          const chain = LocalChain.create(localFile('genesis'), {
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
        await withLocalFile(async (chain) => {
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

    const netuidOption = (cmd: Command) =>
      cmd.requiredOption('--netuid <n>', 'the subnet', subnetNumber);
    /**
     * A command's key options, with the wallet's once: a signing coldkey
     * (keystore or wallet), and a hotkey that signs (wallet or key file) or
     * is only named (also by address).
     */
    const keyOptions = (
      cmd: Command,
      keys: { coldkey?: boolean; hotkey?: 'signs' | 'named' },
    ): Command => {
      if (keys.coldkey)
        cmd.option(
          '--coldkey <file.json>',
          `a polkadot-js keystore coldkey (passphrase from $${COLDKEY_PASSPHRASE_ENV})`,
        );
      if (keys.hotkey) cmd.option('--hotkey-file <file>', 'one of our hotkey files (ed25519)');
      if (keys.hotkey === 'named')
        cmd.option('--hotkey-ss58 <address>', 'the hotkey by its address');
      return walletOptions(cmd);
    };

    command(program, 'metagraph', "a subnet's neurons at the head: stake, endpoint, scores")
      .alias('status')
      .requiredOption('--netuid <n>', 'the subnet', subnetNumber)
      .action(async (options: { netuid: number; json?: boolean }) => {
        await withAnyChain(async (chain) => {
          const graph = await chain.metagraph(options.netuid);
          const neurons = graph.neurons.map((n) => ({
            uid: n.uid,
            hotkey: n.hotkey,
            coldkey: n.coldkey,
            stake: n.stake,
            endpoint: n.endpoint,
            permit: n.validatorPermit,
            trust: n.trust,
            consensus: n.consensus,
            incentive: n.incentive,
            dividends: n.dividends,
            emission: n.emission,
            lastUpdate: n.lastUpdate,
          }));
          cli.io.stdout(
            options.json
              ? printResult({ netuid: graph.netuid, block: graph.block, neurons }, { json: true })
              : `subnet ${graph.netuid} at block ${graph.block}\n${printResult(neurons, {
                  json: false,
                  columns: [
                    'uid',
                    'hotkey',
                    'stake',
                    'endpoint',
                    'permit',
                    'incentive',
                    'dividends',
                    'emission',
                  ],
                })}`,
          );
        });
      });

    const subnets = program
      .command('subnets')
      .alias('subnet')
      .description('subnets: list them, show one with its hyperparameters, create one');
    command(subnets, 'list', 'every subnet: owner, size, tempo').action(
      async (options: { json?: boolean }) => {
        await withAnyChain(async (chain) => {
          const infos = await Promise.all((await chain.subnets()).map((n) => chain.subnet(n)));
          print(
            infos.map(({ netuid, owner, size, maxAllowedUids, tempo }) => ({
              netuid,
              owner,
              size,
              maxAllowedUids,
              tempo,
            })),
            options,
          );
        });
      },
    );
    netuidOption(command(subnets, 'show', "a subnet's owner, size and hyperparameters")).action(
      async (options: { netuid: number; json?: boolean }) => {
        await withAnyChain(async (chain) => print(await chain.subnet(options.netuid), options));
      },
    );
    keyOptions(
      command(
        subnets,
        'create',
        'create a subnet owned by the coldkey, which sets its hyperparameters; prints its netuid',
      ).option('--tempo <blocks>', 'blocks between epochs', integer({ min: 1, max: 65_535 })),
      { coldkey: true },
    ).action(async (options: KeyOptions & { tempo?: number; json?: boolean }) => {
      const owner = await coldkeyOf(options);
      await withAnyChain(async (chain) => {
        // The subnet's UID 0 goes to an owner hotkey; none of this CLI's programs signs with it.
        const ownerHotkey = (await generateKeypair('ed25519')).pair.address;
        const netuid = await chain.createSubnet(owner, ownerHotkey);
        if (options.tempo !== undefined)
          await chain.setHyperparameters(owner, netuid, { tempo: options.tempo });
        print({ netuid, owner: owner.address }, options);
      });
    });

    keyOptions(
      netuidOption(
        command(
          program,
          'register',
          'register a hotkey on a subnet, paid by the coldkey (as btcli subnets register); prints its UID',
        ),
      ),
      { coldkey: true, hotkey: 'named' },
    ).action(async (options: KeyOptions & { netuid: number; json?: boolean }) => {
      const hotkey = await hotkeyAddressOf(options);
      const coldkey = await coldkeyOf(options);
      await withAnyChain(async (chain) => {
        const uid = await chain.register(coldkey, options.netuid, hotkey);
        print({ netuid: options.netuid, uid, hotkey }, options);
      });
    });

    const stake = program
      .command('stake')
      .description("stake on a hotkey from a coldkey's balance");
    for (const [name, verb] of [
      ['add', 'stake rao from the coldkey on the hotkey (as btcli stake add)'],
      ['remove', 'unstake rao the coldkey staked on the hotkey, back to its balance'],
    ] as const) {
      keyOptions(
        netuidOption(command(stake, name, verb)).requiredOption(
          '--amount <rao>',
          'rao to move',
          amount,
        ),
        { coldkey: true, hotkey: 'named' },
      ).action(async (options: KeyOptions & { netuid: number; amount: bigint; json?: boolean }) => {
        const hotkey = await hotkeyAddressOf(options);
        const coldkey = await coldkeyOf(options);
        await withAnyChain(async (chain) => {
          if (name === 'add') await chain.addStake(coldkey, options.netuid, hotkey, options.amount);
          else await chain.removeStake(coldkey, options.netuid, hotkey, options.amount);
          print(
            {
              netuid: options.netuid,
              hotkey,
              [name === 'add' ? 'staked' : 'unstaked']: options.amount,
            },
            options,
          );
        });
      });
    }

    walletOptions(
      command(program, 'balance', "an account's free balance, in rao").option(
        '--address <ss58>',
        'the account (default: the wallet coldkey, read from its public file)',
      ),
    ).action(async (options: KeyOptions & { json?: boolean }) => {
      const address = await accountAddressOf(options);
      await withAnyChain(async (chain) =>
        print({ address, free: await chain.balance(address) }, options),
      );
    });

    keyOptions(
      command(program, 'transfer', "move rao from the coldkey's free balance to another account")
        .requiredOption('--to <ss58>', 'the receiver')
        .requiredOption('--amount <rao>', 'rao to move', amount),
      { coldkey: true },
    ).action(async (options: KeyOptions & { to: string; amount: bigint; json?: boolean }) => {
      const from = await coldkeyOf(options);
      await withAnyChain(async (chain) => {
        await chain.transfer(from, options.to, options.amount);
        print({ from: from.address, to: options.to, amount: options.amount }, options);
      });
    });

    keyOptions(
      netuidOption(
        command(program, 'serve', "publish the hotkey's endpoint on a subnet (serve_axon)"),
      ).requiredOption('--url <http://ip:port>', 'where the neuron listens'),
      { hotkey: 'signs' },
    ).action(async (options: KeyOptions & { netuid: number; url: string; json?: boolean }) => {
      const hotkey = await hotkeyOf(options);
      await withAnyChain(async (chain) => {
        await chain.publishEndpoint(hotkey, options.netuid, options.url);
        print({ netuid: options.netuid, hotkey: hotkey.address, endpoint: options.url }, options);
      });
    });

    const weights = program
      .command('weights')
      .description("a validator's weights: set, commit and reveal, show, pending commits");
    /** `--uids` and `--values`, u16 each, of one length. */
    const weightOptions = (cmd: Command) =>
      netuidOption(cmd)
        .requiredOption('--uids <list>', 'the UIDs weighted, as 1,2,3', u16List)
        .requiredOption('--values <list>', 'their u16 weights, as 100,200,65535', u16List)
        .option('--version-key <n>', "the subnet's weights version key", amount, 0n);
    type WeightOptions = KeyOptions & {
      netuid: number;
      uids: number[];
      values: number[];
      versionKey: bigint;
      json?: boolean;
    };
    keyOptions(weightOptions(command(weights, 'set', 'set weights in the clear')), {
      hotkey: 'signs',
    }).action(async (options: WeightOptions) => {
      const hotkey = await hotkeyOf(options);
      await withAnyChain(async (chain) => {
        await chain.setWeights(hotkey, options.netuid, options, options.versionKey);
        print(
          { netuid: options.netuid, hotkey: hotkey.address, set: options.uids.length },
          options,
        );
      });
    });
    keyOptions(
      weightOptions(
        command(
          weights,
          'commit',
          "commit weights' hash; prints the salt that `weights reveal` needs (keep it)",
        ),
      ),
      { hotkey: 'signs' },
    ).action(async (options: WeightOptions) => {
      const hotkey = await hotkeyOf(options);
      const salt = randomSalt();
      const hash = weightCommitHash(hotkey.address, options.netuid, {
        ...options,
        salt,
      });
      await withAnyChain(async (chain) => {
        await chain.commitWeights(hotkey, options.netuid, hash);
        print(
          { netuid: options.netuid, hotkey: hotkey.address, hash, salt: salt.join(',') },
          options,
        );
      });
    });
    keyOptions(
      weightOptions(
        command(
          weights,
          'reveal',
          'reveal committed weights with the salt `weights commit` printed',
        ),
      ).requiredOption('--salt <list>', 'the salt, as printed', u16List),
      { hotkey: 'signs' },
    ).action(async (options: WeightOptions & { salt: number[] }) => {
      const hotkey = await hotkeyOf(options);
      await withAnyChain(async (chain) => {
        await chain.revealWeights(hotkey, options.netuid, options);
        print(
          { netuid: options.netuid, hotkey: hotkey.address, revealed: options.uids.length },
          options,
        );
      });
    });
    netuidOption(command(weights, 'show', "a UID's weights on chain"))
      .requiredOption('--uid <n>', 'the validator', integer({ min: 0, max: 65_535 }))
      .action(async (options: { netuid: number; uid: number; json?: boolean }) => {
        await withAnyChain(async (chain) => {
          const row = await chain.weightsOf(options.netuid, options.uid);
          print(
            [...row].map(([uid, weight]) => ({ uid, weight })),
            options,
          );
        });
      });
    keyOptions(
      netuidOption(command(weights, 'pending', "a hotkey's commits waiting to be revealed")),
      { hotkey: 'named' },
    ).action(async (options: KeyOptions & { netuid: number; json?: boolean }) => {
      const hotkey = await hotkeyAddressOf(options);
      await withAnyChain(async (chain) =>
        print(await chain.pendingCommits(options.netuid, hotkey), options),
      );
    });

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

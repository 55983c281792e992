import {
  amount,
  type CliRunner,
  type Command,
  defineCli,
  integer,
  jsonOption,
  printResult,
  subnetNumber,
} from '@mt/cli';
import { CliUsageError, packageVersion } from '@mt/protocol';
import { LocalChain } from '../local-chain.js';

/**
 * `mt-chain`: the embedded chain from the command line: create subnets,
 * produce blocks, show a subnet's neurons. The file is `--file`, else
 * `$MT_CHAIN`. `run` stops at `--blocks` or when `signal` fires.
 *
 * @example
 * ```ts
 * await runChainCli(['--file', 'chain.sqlite', 'init', '--subnet', '1:text'], processIo);
 * ```
 */
export const runChainCli: CliRunner = defineCli(
  {
    name: 'mt-chain',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description: 'The embedded ModernTensor chain (SQLite).',
  },
  (program, cli) => {
    program.option('--file <chain.sqlite>', 'the chain file (default $MT_CHAIN)');
    const withChain = async (work: (chain: LocalChain) => Promise<void> | void) => {
      const file = program.opts<{ file?: string }>().file ?? process.env.MT_CHAIN;
      if (!file) throw new CliUsageError('give --file CHAIN.sqlite (or set MT_CHAIN)');
      const chain = LocalChain.open(file);
      try {
        await work(chain);
      } finally {
        chain.close();
      }
    };

    command(program, 'init', 'create (or update) subnets')
      .requiredOption('--subnet <netuid:name...>', 'a subnet to create, e.g. 1:text (repeatable)')
      .option('--tempo <blocks>', 'blocks between epochs', integer({ min: 1 }), 4)
      .option('--emission <rao>', 'emission per epoch', amount, 1_000_000_000n)
      .option('--no-commit-reveal', 'weights are set in the clear')
      .action(
        async (options: {
          subnet: string[];
          tempo: number;
          emission: bigint;
          commitReveal: boolean;
          json?: boolean;
        }) => {
          const specs = options.subnet.map((spec) => {
            const match = /^(\d+):(.+)$/.exec(spec);
            if (!match) throw new CliUsageError(`--subnet ${spec} is not NETUID:NAME`);
            return { netuid: Number(match[1]), name: match[2] as string };
          });
          await withChain((chain) => {
            const created = specs.map((spec) =>
              chain.createSubnet({
                ...spec,
                tempo: options.tempo,
                emissionPerEpoch: options.emission,
                commitReveal: options.commitReveal,
              }),
            );
            cli.io.stdout(printResult(created, { json: options.json === true }));
          });
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
            for (const epoch of chain.advanceBlocks(1)) {
              const line = {
                netuid: epoch.netuid,
                block: epoch.block,
                incentive: epoch.incentive,
                emission: epoch.emission.map(String),
              };
              cli.io.stdout(
                options.json
                  ? `${JSON.stringify(line)}\n`
                  : `epoch on subnet ${line.netuid} at block ${line.block}: incentive ${line.incentive
                      .map((x) => x.toFixed(3))
                      .join(' ')}\n`,
              );
            }
          }
        });
      });

    command(program, 'status', "a subnet's block, neurons, stake and earnings")
      .requiredOption('--netuid <n>', 'the subnet', subnetNumber)
      .action(async (options: { netuid: number; json?: boolean }) => {
        await withChain(async (chain) => {
          const earnings = await chain.earnings(options.netuid);
          const neurons = (await chain.neurons(options.netuid)).map((n) => ({
            uid: n.uid,
            hotkey: n.hotkey,
            url: n.url,
            stake: n.stake.toString(),
            earned: (earnings.get(n.hotkey) ?? 0n).toString(),
          }));
          const block = await chain.currentBlock();
          cli.io.stdout(
            options.json
              ? printResult({ block, neurons }, { json: true })
              : `block ${block}\n${printResult(neurons, { json: false })}`,
          );
        });
      });
  },
);

function command(parent: Command, name: string, description: string): Command {
  return jsonOption(parent.command(name).description(description));
}

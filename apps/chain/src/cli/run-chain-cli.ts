import { parseArgs } from 'node:util';
import { CliUsageError, cliErrorMessage } from '@mt/protocol';
import { LocalChain } from '../local-chain.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const usage = `Usage: mt-chain --file CHAIN.sqlite COMMAND

Commands:
  init --subnet NETUID:NAME [--subnet ...] [--tempo N] [--emission RAO] [--no-commit-reveal]
      creates (or updates) subnets
  run [--block-ms MS] [--blocks N]
      produces a block every MS (default 1000) and prints each epoch; N blocks, or until stopped
  status --netuid N
      neurons, stake and earnings as JSON

The file is also read from $MT_CHAIN. Exit status: 0 success, 2 bad usage or a refused call.
`;

/** Runs `mt-chain` with `args`; resolves with the exit status (for `run`, when it stops). */
export async function runChainCli(
  args: readonly string[],
  out: CliOutput,
  stop?: AbortSignal,
): Promise<number> {
  let chain: LocalChain | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        file: { type: 'string' },
        subnet: { type: 'string', multiple: true },
        tempo: { type: 'string', default: '4' },
        emission: { type: 'string', default: '1000000000' },
        'no-commit-reveal': { type: 'boolean', default: false },
        'block-ms': { type: 'string', default: '1000' },
        blocks: { type: 'string' },
        netuid: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command] = positionals;
    if (values.help || !command) {
      out.stdout(usage);
      return values.help ? 0 : 2;
    }
    const file = values.file ?? process.env.MT_CHAIN;
    if (!file) throw new CliUsageError('give --file CHAIN.sqlite (or set MT_CHAIN)');
    chain = LocalChain.open(file);
    switch (command) {
      case 'init': {
        if (!values.subnet?.length)
          throw new CliUsageError('give at least one --subnet NETUID:NAME');
        for (const spec of values.subnet) {
          const [netuid, name] = spec.split(':');
          if (!netuid || !name || !/^\d+$/.test(netuid))
            throw new CliUsageError(`--subnet ${spec} is not NETUID:NAME`);
          const config = chain.createSubnet({
            netuid: Number(netuid),
            name,
            tempo: Number(values.tempo),
            emissionPerEpoch: BigInt(values.emission),
            commitReveal: !values['no-commit-reveal'],
          });
          out.stdout(
            `${JSON.stringify({ ...config, emissionPerEpoch: config.emissionPerEpoch.toString() })}\n`,
          );
        }
        return 0;
      }
      case 'run': {
        const every = Number(values['block-ms']);
        const limit =
          values.blocks === undefined ? Number.POSITIVE_INFINITY : Number(values.blocks);
        for (let produced = 0; produced < limit && !stop?.aborted; produced += 1) {
          await new Promise((resolve) => setTimeout(resolve, every));
          for (const epoch of chain.advanceBlocks(1)) {
            out.stdout(
              `${JSON.stringify({
                netuid: epoch.netuid,
                block: epoch.block,
                incentive: epoch.incentive,
                emission: epoch.emission.map(String),
              })}\n`,
            );
          }
        }
        return 0;
      }
      case 'status': {
        const netuid = Number(values.netuid ?? Number.NaN);
        if (!Number.isInteger(netuid)) throw new CliUsageError('give --netuid N');
        const earnings = await chain.earnings(netuid);
        const neurons = (await chain.neurons(netuid)).map((n) => ({
          uid: n.uid,
          hotkey: n.hotkey,
          url: n.url,
          stake: n.stake.toString(),
          earned: (earnings.get(n.hotkey) ?? 0n).toString(),
        }));
        out.stdout(`${JSON.stringify({ block: await chain.currentBlock(), neurons }, null, 2)}\n`);
        return 0;
      }
      default:
        throw new CliUsageError(`unknown command ${command}`);
    }
  } catch (error) {
    out.stderr(cliErrorMessage('mt-chain', error, usage));
    return 2;
  } finally {
    chain?.close();
  }
}

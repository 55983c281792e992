/**
 * When subtensor runs a subnet's epoch: in block `b` where
 * `(b + netuid + 1) % (tempo + 1) === tempo`. `LocalChain` keeps the same
 * schedule, so a neuron's timing is the same on both.
 */
export function isEpochBlock(block: number, netuid: number, tempo: number): boolean {
  return tempo > 0 && (block + netuid + 1) % (tempo + 1) === tempo;
}

/** The first epoch block of `netuid` at or after `fromBlock`. */
export function nextEpochBlock(fromBlock: number, netuid: number, tempo: number): number {
  const period = tempo + 1;
  const offset = (((tempo - fromBlock - netuid - 1) % period) + period) % period;
  return fromBlock + offset;
}

/**
 * The epoch a block belongs to, as subtensor counts for commit-reveal
 * (spec 218 and later): `floor((block + netuid + 1) / (tempo + 1))`.
 */
export function epochIndex(block: number, netuid: number, tempo: number): number {
  return Math.floor((block + netuid + 1) / (tempo + 1));
}

/** What {@link epochBlocks} needs of a chain: its block stream and its tempo. */
export interface EpochSource {
  /** New block numbers in order, until `signal` aborts. */
  blocks(options?: { signal?: AbortSignal }): AsyncIterable<number>;
  /** The subnet's tempo (blocks between epochs). */
  subnet(netuid: number): Promise<{ tempo: number }>;
}

/**
 * The blocks in which subnet `netuid` runs its epoch, as they arrive: an
 * async iterator over any `ChainClient`'s block stream, reading the tempo
 * again at each epoch (a subnet owner may change it).
 *
 * @example
 * ```ts
 * for await (const block of epochBlocks(chain, netuid, { signal })) {
 *   console.log((await chain.metagraph(netuid)).neurons.map((n) => n.incentive));
 * }
 * ```
 */
export async function* epochBlocks(
  chain: EpochSource,
  netuid: number,
  options: { signal?: AbortSignal } = {},
): AsyncIterable<number> {
  let { tempo } = await chain.subnet(netuid);
  for await (const block of chain.blocks(options)) {
    if (!isEpochBlock(block, netuid, tempo)) continue;
    yield block;
    ({ tempo } = await chain.subnet(netuid));
  }
}

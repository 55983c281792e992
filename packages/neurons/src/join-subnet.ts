import { type ChainClient, type ChainKeypair, ChainRejectedError, LocalChain } from '@mt/chain';

/** Options of {@link openChain}. */
export interface OpenChainOptions {
  /**
   * Accept miners' endpoints on loopback and private addresses: a network on
   * one machine or a LAN. Off by default (see `LocalChainOptions`).
   */
  allowPrivateEndpoints?: boolean;
}

/**
 * Opens the chain a neuron runs on: a node URL (`ws://…`, `wss://…`: Bittensor's
 * subtensor, through `@mt/chain/subtensor` and `@polkadot/api`) or a
 * `LocalChain` file.
 */
export async function openChain(
  spec: string,
  options: OpenChainOptions = {},
): Promise<ChainClient> {
  const policy = { allowPrivateEndpoints: options.allowPrivateEndpoints ?? false };
  if (/^wss?:\/\//.test(spec)) {
    const { SubtensorChain } = await import('@mt/chain/subtensor');
    return SubtensorChain.connect(spec, policy);
  }
  return LocalChain.open(spec, policy);
}

/** What {@link joinSubnet} does for a neuron. */
export interface JoinSubnetOptions {
  netuid: number;
  /** The neuron's chain hotkey. */
  hotkey: ChainKeypair;
  /**
   * Pays the registration and the stake; needed only when the hotkey is not
   * registered yet or `stake` is given. A function is called only then (a
   * wallet's encrypted coldkey is decrypted only when it must be).
   */
  coldkey?: ChainKeypair | (() => Promise<ChainKeypair>);
  /** Rao to stake on the hotkey (a validator's). */
  stake?: bigint;
  /** Where the miner serves, published on chain, signed by the hotkey. */
  endpoint?: string;
}

/**
 * Puts a neuron on a subnet: registers its hotkey if it is not (paid by the
 * coldkey), stakes, and publishes its endpoint. Returns its UID.
 *
 * @throws ChainRejectedError when registration or stake is needed and no coldkey was given.
 */
export async function joinSubnet(chain: ChainClient, options: JoinSubnetOptions): Promise<number> {
  const { netuid, hotkey } = options;
  const given = options.coldkey;
  const coldkey = async () => (typeof given === 'function' ? given() : (given as ChainKeypair));
  let uid = (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === hotkey.address)?.uid;
  if (uid === undefined) {
    if (!given) {
      throw new ChainRejectedError(
        'coldkey',
        `${hotkey.address} is not registered on subnet ${netuid}; give a coldkey to register it`,
      );
    }
    uid = await chain.register(await coldkey(), netuid, hotkey.address);
  }
  if (options.stake !== undefined && options.stake > 0n) {
    if (!given) throw new ChainRejectedError('coldkey', 'staking needs the coldkey that pays it');
    await chain.addStake(await coldkey(), netuid, hotkey.address, options.stake);
  }
  if (options.endpoint !== undefined) await chain.publishEndpoint(hotkey, netuid, options.endpoint);
  return uid;
}

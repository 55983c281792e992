import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainClient } from '../contract/chain-client.js';
import { epochBlocks, isEpochBlock } from '../epoch-schedule.js';
import { ChainCallFailedError, ChainRejectedError } from '../errors.js';
import { type ChainKeypair, generateKeypair } from '../keys/keypair.js';
import { randomSalt, weightCommitHash } from '../weights/commit-hash.js';

/** What the conformance suite needs besides the client: a faucet, a block author, and the sudo key. */
export interface ChainTestbed {
  chain: ChainClient;
  /** The chain's sudo key. */
  sudo: ChainKeypair;
  /** Gives `address` free balance (genesis-style: a faucet, not a transfer). */
  fund(address: string, rao: bigint): Promise<void>;
  /** Builds `count` blocks. */
  newBlocks(count: number): Promise<void>;
  /**
   * How many blocks past the head a call lands in: 1 on a node that builds a
   * block per transaction (chopsticks' Instant mode), 0 on `LocalChain`,
   * whose calls join the head block (after its epoch, as a transaction
   * follows `on_initialize` on subtensor).
   */
  callLandsAfterHead: 0 | 1;
  /** Whether the runtime runs real Yuma epochs (spec 218 mocks them). */
  realEpochs: boolean;
  /** The `commitRevealPeriod` to test with: epochs where it counts epochs, blocks on spec 202. */
  revealPeriod: number;
  /**
   * A second client of the same chain with the default endpoint policy (public
   * addresses only); `chain` itself allows private ones, as a local network does.
   */
  publicView(): Promise<ChainClient>;
  /**
   * Clients of the same chain that read it by another path (`SubtensorChain`
   * on storage rather than runtime APIs); the suite requires each to read the
   * same metagraph and hyperparameters as `chain`.
   */
  otherReaders?(): Promise<ChainClient[]>;
  /** Called once a subnet exists, before stake is added (spec 218 seeds its pool here). */
  prepareSubnet?(netuid: number): Promise<void>;
  close(): Promise<void>;
}

const TAO = 1_000_000_000n;

/** Builds blocks until subnet `netuid`'s next epoch block has been built. */
async function untilEpoch(bed: ChainTestbed, netuid: number): Promise<void> {
  const head = await bed.chain.head();
  const epoch = await bed.chain.nextEpochBlock(netuid, head + 1);
  await bed.newBlocks(epoch - head);
}

async function untilBlock(bed: ChainTestbed, block: number): Promise<void> {
  const head = await bed.chain.head();
  if (block > head) await bed.newBlocks(block - head);
}

async function expectChainError(promise: Promise<unknown>, names: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ChainCallFailedError.isInstance(error), String(error)).toBe(true);
  expect((error as ChainCallFailedError).chainError, String(error)).toMatch(names);
}

/**
 * The contract every {@link ChainClient} keeps, run against each
 * implementation in the Hono style: `describeChainClient('LocalChain', setup)`.
 * Each case uses its own keys and subnet state, in order; the epoch cases run
 * where the runtime has real epochs.
 */
export function describeChainClient(
  name: string,
  setup: () => Promise<ChainTestbed>,
  timeoutMs = 60_000,
): void {
  describe(`ChainClient conformance: ${name}`, { timeout: timeoutMs }, () => {
    let bed: ChainTestbed;
    let owner: ChainKeypair;
    let ownerHotkey: ChainKeypair;
    let netuid: number;
    const validators: { cold: ChainKeypair; hot: ChainKeypair; uid: number }[] = [];
    const miners: { cold: ChainKeypair; hot: ChainKeypair; uid: number }[] = [];

    beforeAll(async () => {
      bed = await setup();
      owner = (await generateKeypair('sr25519')).pair;
      ownerHotkey = (await generateKeypair('ed25519')).pair;
      await bed.fund(owner.address, 10_000n * TAO);
    }, 180_000);
    afterAll(async () => {
      await bed?.close();
    });

    it('reads the head and a funded balance, and streams new blocks', async () => {
      const head = await bed.chain.head();
      expect(head).toBeGreaterThanOrEqual(0);
      expect(await bed.chain.balance(owner.address)).toBe(10_000n * TAO);
      const controller = new AbortController();
      const seen: number[] = [];
      const stream = (async () => {
        for await (const block of bed.chain.blocks({ signal: controller.signal })) {
          seen.push(block);
          if (block > head) controller.abort();
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await bed.newBlocks(1);
      await stream;
      expect(seen.at(-1)).toBeGreaterThan(head);
    });

    it('transfers free balance, signed by the sender, and never more than it has', async () => {
      const from = (await generateKeypair('sr25519')).pair;
      const to = (await generateKeypair('ed25519')).pair;
      await bed.fund(from.address, 5n * TAO);
      await bed.chain.transfer(from, to.address, 2n * TAO);
      // The receiver gets the amount; the sender pays it and, on subtensor, a transfer fee.
      expect(await bed.chain.balance(to.address)).toBe(2n * TAO);
      const left = await bed.chain.balance(from.address);
      expect(left).toBeLessThanOrEqual(3n * TAO);
      expect(left).toBeGreaterThan(3n * TAO - TAO / 1_000n);
      await expectChainError(
        bed.chain.transfer(to, from.address, 3n * TAO),
        /InsufficientBalance|FundsUnavailable|KeepAlive|Expendability/,
      );
      // Nothing moved (subtensor still takes the failed transaction's fee).
      const kept = await bed.chain.balance(to.address);
      expect(kept).toBeLessThanOrEqual(2n * TAO);
      expect(kept).toBeGreaterThan(2n * TAO - TAO / 1_000n);
      expect(await bed.chain.balance(from.address)).toBe(left);
    });

    it('creates a subnet its owner owns, and its sudo key sets the hyperparameters', async () => {
      netuid = await bed.chain.createSubnet(owner, ownerHotkey.address);
      expect(await bed.chain.subnets()).toContain(netuid);
      // A subnet is not free: its creator's balance pays its lock.
      expect(await bed.chain.balance(owner.address)).toBeLessThan(10_000n * TAO);
      expect((await bed.chain.subnet(netuid)).owner).toBe(owner.address);
      await bed.newBlocks(1);
      await bed.chain.setHyperparameters(bed.sudo, netuid, {
        tempo: 9,
        weightsRateLimit: 0,
        targetRegistrationsPerInterval: 1,
        maxRegistrationsPerBlock: 10,
        maxAllowedValidators: 10,
        activityCutoff: 5000,
      });
      const info = await bed.chain.subnet(netuid);
      expect(info).toMatchObject({
        netuid,
        tempo: 9,
        weightsRateLimit: 0,
        maxRegistrationsPerBlock: 10,
      });
      await bed.prepareSubnet?.(netuid);
    });

    it("streams the subnet's epoch blocks, on the chain's own schedule", async () => {
      const controller = new AbortController();
      const seen: number[] = [];
      const stream = (async () => {
        for await (const block of epochBlocks(bed.chain, netuid, { signal: controller.signal })) {
          seen.push(block);
          controller.abort();
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await bed.newBlocks(10); // tempo 9: one epoch in any 10 blocks
      await stream;
      expect(seen).toHaveLength(1);
      expect(isEpochBlock(seen[0] as number, netuid, 9)).toBe(true);
    });

    it("refuses a stranger's hyperparameters", async () => {
      const stranger = (await generateKeypair()).pair;
      await bed.fund(stranger.address, TAO);
      await expectChainError(
        bed.chain.setHyperparameters(stranger, netuid, { tempo: 3 }),
        /BadOrigin|NotSubnetOwner/,
      );
      expect((await bed.chain.subnet(netuid)).tempo).toBe(9);
    });

    it('registers hotkeys under their coldkeys, each once, within the interval limit', async () => {
      const keys = async () => ({
        cold: (await generateKeypair('sr25519')).pair,
        hot: (await generateKeypair('ed25519')).pair,
      });
      const wanted = [await keys(), await keys(), await keys()];
      for (const k of wanted) await bed.fund(k.cold.address, 2_000n * TAO);
      const uids: number[] = [];
      const [first, second, third] = wanted as [
        (typeof wanted)[0],
        (typeof wanted)[0],
        (typeof wanted)[0],
      ];
      uids.push(await bed.chain.register(first.cold, netuid, first.hot.address));
      uids.push(await bed.chain.register(second.cold, netuid, second.hot.address));
      await expectChainError(
        bed.chain.register(first.cold, netuid, first.hot.address),
        /HotKeyAlreadyRegisteredInSubNet/,
      );
      uids.push(await bed.chain.register(third.cold, netuid, third.hot.address));
      expect(new Set(uids).size).toBe(3);
      const graph = await bed.chain.metagraph(netuid);
      for (const [i, k] of wanted.entries()) {
        const neuron = graph.neurons.find((n) => n.uid === uids[i]);
        expect(neuron).toMatchObject({ hotkey: k.hot.address, coldkey: k.cold.address });
      }
      // Target 1 → three registrations per interval, as subtensor counts them. Subtensor's
      // signed extension refuses the fourth in the pool, with only a code (custom(5) on 218,
      // exhaustsResources on 202); LocalChain names it.
      const fourth = await keys();
      await bed.fund(fourth.cold.address, 2_000n * TAO);
      await expectChainError(
        bed.chain.register(fourth.cold, netuid, fourth.hot.address),
        /TooManyRegistrationsThisInterval|InvalidTransaction\.(custom\(5\)|exhaustsResources)/,
      );
      await bed.chain.setHyperparameters(bed.sudo, netuid, { targetRegistrationsPerInterval: 100 });
      const more = [fourth, await keys()];
      await bed.fund((more[1] as (typeof more)[number]).cold.address, 2_000n * TAO);
      for (const k of more) uids.push(await bed.chain.register(k.cold, netuid, k.hot.address));
      const all = [...wanted, ...more];
      all.forEach((k, i) => {
        const entry = { ...k, uid: uids[i] as number };
        (i < 2 ? validators : miners).push(entry);
      });
    });

    it('moves stake from free balance only, and never more than there is', async () => {
      const [big, small] = validators as [(typeof validators)[0], (typeof validators)[0]];
      const before = await bed.chain.balance(big.cold.address);
      await bed.chain.addStake(big.cold, netuid, big.hot.address, 1_000n * TAO);
      await bed.chain.addStake(small.cold, netuid, small.hot.address, 300n * TAO);
      expect(await bed.chain.balance(big.cold.address)).toBeLessThanOrEqual(before - 1_000n * TAO);
      await expectChainError(
        bed.chain.addStake(small.cold, netuid, small.hot.address, 1_000_000n * TAO),
        /NotEnoughBalance/,
      );
      await expect(
        bed.chain.addStake(small.cold, netuid, small.hot.address, 2n ** 2000n),
      ).rejects.toSatisfy(ChainRejectedError.isInstance);
      const graph = await bed.chain.metagraph(netuid);
      const stakeOf = (uid: number) => graph.neurons.find((n) => n.uid === uid)?.stake ?? 0n;
      expect(stakeOf(big.uid)).toBeGreaterThan(stakeOf(small.uid));
      expect(stakeOf(small.uid)).toBeGreaterThan(0n);
    });

    it('moves stake back to the coldkey that put it there, and to no one else', async () => {
      const [, small] = validators as [(typeof validators)[0], (typeof validators)[0]];
      const stakeOf = async () =>
        (await bed.chain.metagraph(netuid)).neurons.find((n) => n.uid === small.uid)?.stake ?? 0n;
      const staked = await stakeOf();
      const free = await bed.chain.balance(small.cold.address);
      await bed.chain.removeStake(small.cold, netuid, small.hot.address, 100n * TAO);
      // Less by what was taken (a block's emission may have come in meanwhile, on subtensor).
      expect(await stakeOf()).toBeLessThan(staked);
      expect(await bed.chain.balance(small.cold.address)).toBeGreaterThan(free);
      // A coldkey that staked nothing on it takes nothing from it.
      const stranger = (await generateKeypair()).pair;
      await bed.fund(stranger.address, TAO);
      await expectChainError(
        bed.chain.removeStake(stranger, netuid, small.hot.address, TAO),
        // Spec 202 refuses a stranger before it looks at any stake.
        /NotEnoughStakeToWithdraw|NotEnoughStake|HotKeyNotDelegateAndSignerNotOwnHotKey/,
      );
      await expectChainError(
        bed.chain.removeStake(small.cold, netuid, small.hot.address, 1_000_000n * TAO),
        /NotEnoughStakeToWithdraw|NotEnoughStake/,
      );
    });

    it('publishes an endpoint signed by the hotkey itself, and refuses what is not an http origin', async () => {
      const miner = miners[0] as (typeof miners)[0];
      await bed.chain.publishEndpoint(miner.hot, netuid, 'http://10.1.2.3:8091');
      const graph = await bed.chain.metagraph(netuid);
      expect(graph.neurons.find((n) => n.uid === miner.uid)?.endpoint).toBe('http://10.1.2.3:8091');
      // A client for a public network reads the same private axon as not served, so no
      // validator of its sends anything there.
      const publicView = await bed.publicView();
      try {
        const seen = (await publicView.metagraph(netuid)).neurons.find((n) => n.uid === miner.uid);
        expect(seen?.endpoint).toBe('');
        await expect(
          publicView.publishEndpoint(miner.hot, netuid, 'http://10.1.2.3:8091'),
        ).rejects.toSatisfy(ChainRejectedError.isInstance);
      } finally {
        await publicView.close();
      }
      for (const url of [
        'javascript:alert(1)',
        'file:///etc/passwd',
        'http://10.1.2.3:8091/x?y',
        'http://u:p@10.1.2.3:1',
        // What a local network still may not use: the metadata service, a name, port 0.
        'http://169.254.169.254:80',
        'http://[::ffff:169.254.169.254]:80',
        'http://metadata.internal:80',
        'http://10.1.2.3:0',
        'http://0.0.0.0:8091',
      ]) {
        await expect(bed.chain.publishEndpoint(miner.hot, netuid, url)).rejects.toSatisfy(
          ChainRejectedError.isInstance,
        );
      }
      const stranger = (await generateKeypair('ed25519')).pair;
      await bed.fund(stranger.address, TAO);
      await expectChainError(
        bed.chain.publishEndpoint(stranger, netuid, 'http://10.9.9.9:1'),
        /HotKeyNotRegisteredInNetwork|NotRegistered/,
      );
    });

    it('sets weights once an epoch has given a validator permit', async () => {
      const validator = validators[0] as (typeof validators)[0];
      const targets = miners.map((m) => m.uid);
      await untilEpoch(bed, netuid);
      const graph = await bed.chain.metagraph(netuid);
      if (!graph.neurons.find((n) => n.uid === validator.uid)?.validatorPermit) {
        // spec 218's mocked epoch grants no permit: set_weights is refused for it, as for anyone without one.
        await expectChainError(
          bed.chain.setWeights(validator.hot, netuid, { uids: targets, values: [65535, 100, 100] }),
          /NeuronNoValidatorPermit/,
        );
        return;
      }
      await bed.chain.setWeights(validator.hot, netuid, {
        uids: targets,
        values: [65535, 1000, 1000],
      });
      const stored = await bed.chain.weightsOf(netuid, validator.uid);
      expect(stored.get(targets[0] as number)).toBe(65535);
      expect(stored.get(targets[1] as number)).toBe(1000);
    });

    it("commits weights with the chain's hash and reveals them in the chain's window", async () => {
      await bed.chain.setHyperparameters(bed.sudo, netuid, {
        commitRevealEnabled: true,
        commitRevealPeriod: bed.revealPeriod,
      });
      expect((await bed.chain.subnet(netuid)).commitRevealPeriod).toBe(bed.revealPeriod);
      const validator = validators[1] as (typeof validators)[0];
      const reveal = {
        uids: miners.map((m) => m.uid),
        values: [65535, 2000, 2000],
        salt: randomSalt(),
        versionKey: 0n,
      };
      const hash = weightCommitHash(validator.hot.address, netuid, reveal);
      await expectChainError(
        bed.chain.setWeights(validator.hot, netuid, { uids: reveal.uids, values: reveal.values }),
        /CommitRevealEnabled/,
      );
      await bed.chain.commitWeights(validator.hot, netuid, hash);
      const [pending] = await bed.chain.pendingCommits(netuid, validator.hot.address);
      expect(pending?.hash).toBe(hash);
      expect(pending?.revealFrom).toBeGreaterThan(pending?.commitBlock ?? Number.POSITIVE_INFINITY);
      if ((await bed.chain.head()) + bed.callLandsAfterHead < (pending?.revealFrom ?? 0)) {
        await expectChainError(
          bed.chain.revealWeights(validator.hot, netuid, reveal),
          /RevealTooEarly|InvalidRevealCommitTempo/,
        );
      }
      await untilBlock(bed, (pending?.revealFrom ?? 0) - bed.callLandsAfterHead);
      const permit = (await bed.chain.metagraph(netuid)).neurons.find(
        (n) => n.uid === validator.uid,
      )?.validatorPermit;
      await expectChainError(
        bed.chain.revealWeights(validator.hot, netuid, {
          ...reveal,
          salt: reveal.salt.map((s) => (s + 1) % 65536),
        }),
        /InvalidRevealCommitHashNotMatch|NoWeightsCommitFound|InvalidRevealCommitTempo/,
      );
      if (!permit) {
        await expectChainError(
          bed.chain.revealWeights(validator.hot, netuid, reveal),
          /NeuronNoValidatorPermit/,
        );
        return;
      }
      await bed.chain.revealWeights(validator.hot, netuid, reveal);
      expect((await bed.chain.weightsOf(netuid, validator.uid)).get(reveal.uids[1] as number)).toBe(
        2000,
      );
    });

    it('runs the epoch: the miner weighted most earns the most, and the validators earn dividends', async () => {
      if (!bed.realEpochs) {
        // spec 218's coinbase runs epoch_mock(): no incentive, no consensus, emission by stake.
        // The metagraph must say so, not invent numbers.
        await untilEpoch(bed, netuid);
        const graph = await bed.chain.metagraph(netuid);
        expect(graph.neurons.every((n) => n.incentive === 0 && n.consensus === 0)).toBe(true);
        const big = graph.neurons.find((n) => n.uid === validators[0]?.uid);
        expect(big?.emission).toBeGreaterThan(0n);
        return;
      }
      await bed.chain.setHyperparameters(bed.sudo, netuid, { commitRevealEnabled: false });
      // The owner's hotkey is UID 0 on every implementation and may hold stake (spec 202
      // stakes the lock on it), so it weights the miners too: Yuma pays what stake agrees on.
      const owner = (await bed.chain.metagraph(netuid)).neurons.find(
        (n) => n.hotkey === ownerHotkey.address,
      );
      expect(owner?.uid).toBe(0);
      const ownerValidates = owner?.validatorPermit === true && owner.stake > 0n;
      for (const hot of [
        ...(ownerValidates ? [ownerHotkey] : []),
        ...validators.map((v) => v.hot),
      ]) {
        await bed.chain.setWeights(hot, netuid, {
          uids: miners.map((m) => m.uid),
          values: [65535, 6000, 3000],
        });
      }
      await untilEpoch(bed, netuid);
      const graph = await bed.chain.metagraph(netuid);
      const of = (uid: number) =>
        graph.neurons.find((n) => n.uid === uid) as NonNullable<(typeof graph.neurons)[0]>;
      const [best, second, third] = miners.map((m) => of(m.uid));
      expect(best?.incentive).toBeGreaterThan(second?.incentive ?? 1);
      expect(second?.incentive).toBeGreaterThan(third?.incentive ?? 1);
      expect(best?.emission).toBeGreaterThan(0n);
      for (const v of validators) {
        expect(of(v.uid).dividends).toBeGreaterThan(0);
        expect(of(v.uid).validatorPermit).toBe(true);
      }
      expect(of((validators[0] as (typeof validators)[0]).uid).dividends).toBeGreaterThan(
        of((validators[1] as (typeof validators)[0]).uid).dividends,
      );
    });

    it('reads the same metagraph and hyperparameters by every path the chain offers', async () => {
      const readers = (await bed.otherReaders?.()) ?? [];
      try {
        // After the epoch: stake, permits, endpoints, emission and (on real epochs) incentive.
        const graph = await bed.chain.metagraph(netuid);
        const info = await bed.chain.subnet(netuid);
        expect(graph.neurons.length).toBeGreaterThanOrEqual(6);
        expect(graph.neurons.some((n) => n.stake > 0n && n.endpoint === '')).toBe(true);
        expect(graph.neurons.some((n) => n.endpoint !== '')).toBe(true);
        for (const reader of readers) {
          expect(await reader.metagraph(netuid)).toEqual(graph);
          expect(await reader.subnet(netuid)).toEqual(info);
        }
      } finally {
        for (const reader of readers) await reader.close();
      }
    });
  });
}

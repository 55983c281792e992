import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cheatingStrategy, lazyStrategy } from '@mt/app-miner';
import { type ChainKeypair, generateKeypair, LocalChain } from '@mt/chain';
import {
  chainHotkeyOf,
  joinSubnet,
  type MinerNode,
  type MinerRound,
  startMinerNode,
  ValidatorNode,
  wireAddressOf,
} from '@mt/neurons';
import { TextGenerationMiner, TextGenerationValidator } from '@mt/subnets/text-generation';
import {
  VerifiableInferenceMiner,
  VerifiableInferenceValidator,
} from '@mt/subnets/verifiable-inference';
import { exportMlpToOnnx, makeModels } from '@mt/testing';
import { Hotkey } from '@mt/wire';
import { CircuitCompiler, setupCircuit } from '@mt/zkml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TEXT = 1;
const PROOFS = 2;

let chain: LocalChain;
let owner: ChainKeypair;
/** Rao paid per wire address, summed over the epochs the tests run. */
const earned: Record<number, Map<string, bigint>> = { [TEXT]: new Map(), [PROOFS]: new Map() };
let epochsSeen = 0;

/** Builds one tempo of blocks (one epoch per subnet) and adds what each epoch paid. */
async function nextEpoch(): Promise<void> {
  chain.advanceBlocks(5);
  epochsSeen += 1;
  for (const netuid of [TEXT, PROOFS]) {
    for (const n of (await chain.metagraph(netuid)).neurons) {
      const key = wireAddressOf(n.hotkey);
      earned[netuid]?.set(key, (earned[netuid]?.get(key) ?? 0n) + n.emission);
    }
  }
}

const entryOf = (round: MinerRound[] | undefined, key: Hotkey) =>
  round?.find((r) => wireAddressOf(r.hotkey) === key.address);
let text: TextGenerationValidator;
let proofs: VerifiableInferenceValidator;
let textMiner: TextGenerationMiner;
let proofMiner: VerifiableInferenceMiner;
const servers: MinerNode[] = [];
const validators: Hotkey[] = [Hotkey.generate(), Hotkey.generate()];
const miners = { honest: Hotkey.generate(), lazy: Hotkey.generate(), cheater: Hotkey.generate() };

beforeAll(async () => {
  const work = await mkdtemp(join(tmpdir(), 'mt-network-'));
  const models = await makeModels(join(work, 'models'));
  const mlp = {
    inputSize: 6,
    outputSize: 3,
    layers: [
      {
        kind: 'dense' as const,
        weights: Array.from({ length: 4 }, (_, o) =>
          Array.from({ length: 6 }, (_, i) => Math.sin(o + 2 * i)),
        ),
        bias: [0, 0.1, 0, -0.1],
      },
      { kind: 'relu' as const },
      {
        kind: 'dense' as const,
        weights: Array.from({ length: 3 }, (_, o) =>
          Array.from({ length: 4 }, (_, i) => Math.cos(3 * o + i)),
        ),
        bias: [0, 0, 0],
      },
    ],
  };
  const circuit = await new CircuitCompiler().compileModel(
    exportMlpToOnnx(mlp),
    join(work, 'circuit'),
  );
  await setupCircuit(circuit);
  [text, proofs, textMiner, proofMiner] = await Promise.all([
    TextGenerationValidator.create({ generator: models.generator, rewardModel: models.reward }),
    VerifiableInferenceValidator.create({ circuitDir: circuit.dir }),
    TextGenerationMiner.create({ generator: models.generator }),
    VerifiableInferenceMiner.create({ circuitDir: circuit.dir }),
  ]);

  owner = (await generateKeypair()).pair;
  chain = LocalChain.create(
    join(work, 'chain.sqlite'),
    {
      sudo: (await generateKeypair()).pair.address,
      balances: [[owner.address, 10n ** 15n]],
      // Both subnets at once, as a test network does.
      subnetRateLimitBlocks: 0,
    },
    { allowPrivateEndpoints: true },
  );
  for (const netuid of [TEXT, PROOFS]) {
    expect(await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address)).toBe(
      netuid,
    );
    await chain.setHyperparameters(owner, netuid, {
      tempo: 4,
      commitRevealEnabled: true,
      weightsRateLimit: 0,
      targetRegistrationsPerInterval: 100,
      maxRegistrationsPerBlock: 100,
    });
    for (const [i, key] of validators.entries()) {
      await joinSubnet(chain, {
        netuid,
        hotkey: await chainHotkeyOf(key),
        coldkey: owner,
        stake: BigInt((2 - i) * 1_000_000),
      });
    }
  }
  chain.advanceBlocks(5); // permits
  for (const [name, hotkey] of Object.entries(miners)) {
    const strategy =
      name === 'lazy' ? lazyStrategy : name === 'cheater' ? cheatingStrategy : undefined;
    const served = [textMiner, proofMiner].map((miner) => ({
      miner,
      ...(strategy ? { strategy } : {}),
    }));
    const server = await startMinerNode({ hotkey, subnets: served });
    servers.push(server);
    for (const netuid of [TEXT, PROOFS]) {
      await joinSubnet(chain, {
        netuid,
        hotkey: await chainHotkeyOf(hotkey),
        coldkey: owner,
        endpoint: server.url,
      });
    }
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all([text, proofs, textMiner, proofMiner].map((role) => role?.close()));
  await chain?.close();
});

/** Every miner here listens on loopback. */
const LOOPBACK = { allowPrivateEndpoints: true };

function nodes(keys = validators) {
  return keys.flatMap((hotkey) => [
    new ValidatorNode({ hotkey, chain, netuid: TEXT, subnet: text, client: LOOPBACK }),
    new ValidatorNode({ hotkey, chain, netuid: PROOFS, subnet: proofs, client: LOOPBACK }),
  ]);
}

describe('the demo network on loopback', () => {
  it('pays the honest miner most and the cheater nothing on the proof subnet, over real epochs', async () => {
    const running = nodes();
    for (let epoch = 0; epoch < 3; epoch += 1) {
      const rounds = await Promise.all(running.map((node) => node.round(epoch)));
      for (const round of rounds) expect(round).toHaveLength(3);
      // Reveals last epoch's commit (its window is this epoch), commits this round's.
      for (const node of running) await node.setWeights();
      await nextEpoch();
    }
    const earnings = earned[PROOFS] as Map<string, bigint>;
    const honest = earnings.get(miners.honest.address) ?? 0n;
    expect(honest).toBeGreaterThan(0n);
    expect(earnings.get(miners.cheater.address) ?? 0n).toBe(0n);
    expect(earnings.get(miners.lazy.address) ?? 0n).toBe(0n);
    const textEarnings = earned[TEXT] as Map<string, bigint>;
    expect(textEarnings.get(miners.honest.address) ?? 0n).toBeGreaterThan(
      textEarnings.get(miners.lazy.address) ?? 0n,
    );
    expect(epochsSeen).toBe(3);
  });

  it('scores a killed miner 0 for the round without breaking the validator', async () => {
    const [node] = nodes([validators[0] as Hotkey]);
    const lazyServer = servers[1];
    await lazyServer?.close();
    const round = await node?.round(9);
    const killed = entryOf(round, miners.lazy);
    expect(killed?.score).toBe(0);
    expect(killed?.error).toMatch(/refused/);
    expect(entryOf(round, miners.honest)?.score).toBeGreaterThan(0);
  });

  it("resumes a restarted validator from the chain's weights", async () => {
    const [restarted] = nodes([validators[1] as Hotkey]).slice(1);
    await restarted?.round(10);
    const averages = restarted?.averages ?? new Map();
    const uid =
      (await chain.metagraph(PROOFS)).neurons.find(
        (n) => wireAddressOf(n.hotkey) === miners.honest.address,
      )?.uid ?? -1;
    // Resumed from the stored weight (1.0 for the best miner), then one more round.
    expect(averages.get(uid)).toBeGreaterThan(0.5);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaValidationError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { CircuitArtifactMissingError } from '../errors.js';
import { Circuit } from './circuit.js';

// A circuit folder may come from anyone (a subnet publishes it): its
// circuit.json is read with a schema, and a forged one is refused whole.
const metadata = {
  format: 'mt-zkml-circuit/2',
  mode: 'public',
  scaleBits: 8,
  inputBits: 10,
  inputSize: 2,
  inputs: [{ name: 'x', dims: [1, 2] }],
  outputSize: 2,
  outputs: [{ name: 'y', dims: [1, 2] }],
  argmaxBits: 20,
  modelHash: '123',
  digest: 'ab',
  onnxSha256: 'cd',
  steps: 3,
  privateTensors: [],
};

async function folderWith(json: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mt-circuit-'));
  await writeFile(join(dir, 'circuit.json'), JSON.stringify(json));
  return dir;
}

describe('Circuit.load reads circuit.json with its schema', () => {
  it('reads a well-formed circuit.json', async () => {
    const circuit = await Circuit.load(await folderWith(metadata));
    expect(circuit.metadata.inputSize).toBe(2);
  });

  it.each([
    ['an input size that is not a number', { ...metadata, inputSize: '2' }],
    ['a model hash that is not decimal', { ...metadata, modelHash: '0x12' }],
    ['a mode of its own', { ...metadata, mode: 'trusted' }],
    ['no outputs', { ...metadata, outputs: undefined }],
  ])('refuses %s, saying which file and why', async (_what, forged) => {
    const error = await Circuit.load(await folderWith(forged)).catch((e: unknown) => e);
    expect(CircuitArtifactMissingError.isInstance(error)).toBe(true);
    expect(SchemaValidationError.isInstance((error as Error).cause)).toBe(true);
  });

  it('names an older format and says to recompile', async () => {
    await expect(
      Circuit.load(await folderWith({ ...metadata, format: 'mt-zkml-circuit/1' })),
    ).rejects.toThrow(/recompile/);
  });
});

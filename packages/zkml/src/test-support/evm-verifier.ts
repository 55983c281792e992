import { createEVM } from '@ethereumjs/evm';
import { hexToBytes } from '@ethereumjs/util';
import solc from 'solc';

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<
    string,
    Record<
      string,
      { evm: { bytecode: { object: string }; methodIdentifiers: Record<string, string> } }
    >
  >;
}

function calldataWords(calldata: string): string[] {
  // PLONK's calldata is two arrays with no comma between them.
  const args = JSON.parse(`[${calldata.replace(/\]\s*\[/g, '],[')}]`) as unknown[];
  return (args.flat(3) as string[]).map((hex) => BigInt(hex).toString(16).padStart(64, '0'));
}

/**
 * Compiles Solidity with solc-js, deploys `contractName` (the first contract
 * when omitted) into an in-memory EVM, and returns a function that calls the
 * method whose signature starts with `method` on 32-byte words.
 */
export async function deployContract(
  source: string,
  contractName?: string,
): Promise<(method: string, words: string[]) => Promise<boolean>> {
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Verifier.sol': { content: source } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.methodIdentifiers'] } },
        },
      }),
    ),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts = output.contracts['Verifier.sol'] ?? {};
  const contract = contractName ? contracts[contractName] : Object.values(contracts)[0];
  if (!contract) throw new Error(`solc produced no contract ${contractName ?? ''}`);
  const evm = await createEVM();
  const deployed = await evm.runCall({
    data: hexToBytes(`0x${contract.evm.bytecode.object}`),
    gasLimit: 30_000_000n,
  });
  const to = deployed.createdAddress;
  if (!to || deployed.execResult.exceptionError) throw new Error('deployment failed');
  return async (method, words) => {
    const [, selector] = Object.entries(contract.evm.methodIdentifiers).find(([name]) =>
      name.startsWith(`${method}(`),
    ) ?? ['', ''];
    if (!selector) throw new Error(`the contract has no ${method}`);
    const result = await evm.runCall({
      to,
      data: hexToBytes(`0x${selector}${words.join('')}`),
      gasLimit: 30_000_000n,
    });
    if (result.execResult.exceptionError) return false;
    return BigInt(`0x${Buffer.from(result.execResult.returnValue).toString('hex') || '0'}`) === 1n;
  };
}

/**
 * Deploys an exported verifier and returns a function that calls
 * `verifyProof` with snarkjs's Solidity calldata (the string
 * `exportSolidityCallData` returns).
 */
export async function deployVerifier(
  source: string,
): Promise<(calldata: string) => Promise<boolean>> {
  const call = await deployContract(source);
  return (calldata) => call('verifyProof', calldataWords(calldata));
}

/** Splits snarkjs's calldata into the proof's words and the public signals' words. */
export function splitCalldata(
  calldata: string,
  signals: number,
): { proof: string[]; signals: string[] } {
  const words = calldataWords(calldata);
  return {
    proof: words.slice(0, words.length - signals),
    signals: words.slice(words.length - signals),
  };
}

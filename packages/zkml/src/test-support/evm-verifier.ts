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

/**
 * Compiles an exported verifier with solc-js, deploys it into an in-memory
 * EVM, and returns a function that calls `verifyProof` with snarkjs's
 * Solidity calldata (the string `exportSolidityCallData` returns).
 */
export async function deployVerifier(
  source: string,
): Promise<(calldata: string) => Promise<boolean>> {
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
  const [contract] = Object.values(output.contracts['Verifier.sol'] ?? {});
  if (!contract) throw new Error('solc produced no contract');
  const [signature, selector] = Object.entries(contract.evm.methodIdentifiers).find(([name]) =>
    name.startsWith('verifyProof('),
  ) ?? ['', ''];
  if (!signature) throw new Error('the contract has no verifyProof');

  const evm = await createEVM();
  const deployed = await evm.runCall({
    data: hexToBytes(`0x${contract.evm.bytecode.object}`),
    gasLimit: 30_000_000n,
  });
  const to = deployed.createdAddress;
  if (!to || deployed.execResult.exceptionError) throw new Error('deployment failed');

  return async (calldata) => {
    // PLONK's calldata is two arrays with no comma between them.
    const args = JSON.parse(`[${calldata.replace(/\]\s*\[/g, '],[')}]`) as unknown[];
    const words = (args.flat(3) as string[]).map((hex) =>
      BigInt(hex).toString(16).padStart(64, '0'),
    );
    const result = await evm.runCall({
      to,
      data: hexToBytes(`0x${selector}${words.join('')}`),
      gasLimit: 30_000_000n,
    });
    if (result.execResult.exceptionError) return false;
    return BigInt(`0x${Buffer.from(result.execResult.returnValue).toString('hex') || '0'}`) === 1n;
  };
}

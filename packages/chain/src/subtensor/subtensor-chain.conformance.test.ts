import { describeChainClient } from '../test-support/describe-chain-client.js';
import { subtensorTestbed } from '../test-support/subtensor-testbed.js';

describeChainClient(
  'SubtensorChain on spec 202 (real Yuma epochs)',
  () => subtensorTestbed('spec202'),
  180_000,
);
describeChainClient(
  'SubtensorChain on spec 218 (modern calls, mocked epochs)',
  () => subtensorTestbed('spec218'),
  180_000,
);

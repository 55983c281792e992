import { describeChainClient } from '../test-support/describe-chain-client.js';
import { localTestbed } from '../test-support/local-testbed.js';

// A file rather than memory, so a second client can open the same chain.
describeChainClient('LocalChain', localTestbed);

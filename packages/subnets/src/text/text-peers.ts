import { createRequire } from 'node:module';
import { requirePeer } from '@mt/protocol';

const require = createRequire(import.meta.url);
const feature = 'The text-generation subnet';

/**
 * Checks that the text-generation stack is installed before a worker thread
 * is started to load it, so a missing package is a `MissingPeerError` here
 * rather than a worker crash. Both are optional peers of `@mt/subnets`: a
 * user of another subnet never installs them.
 */
export function requireTextPeers(): void {
  requirePeer({
    name: '@huggingface/transformers',
    range: '^4.3.1',
    feature,
    resolve: () => require.resolve('@huggingface/transformers'),
  });
  requirePeer({
    name: 'onnxruntime-node',
    range: '^1.30.0',
    feature,
    resolve: () => require.resolve('onnxruntime-node'),
  });
}

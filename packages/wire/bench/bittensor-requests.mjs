// Bittensor requests for the wire benchmark, as Python's dendrite sends them:
// an Echo synapse, its body fixed, each request's headers signed for its own nonce.
import { defineSynapse, py } from '../dist/bittensor/index.js';

/** The benchmark's synapse: `text: str`, `out: Optional[str] = None`, `text` hashed. */
export const BenchEcho = defineSynapse({
  name: 'Echo',
  fields: { text: py.str, out: { type: py.optional(py.str), default: null } },
  requiredHashFields: ['text'],
});

/**
 * `count` requests from `dendrite` to `axonAddress`, nonces from now on; the
 * timeout header is 60 s, so a nonce stays acceptable for 64 s after signing.
 */
export function signBittensorRequests(dendrite, axonAddress, text, count) {
  const uuid = '6b8b4567-0000-11f1-8000-02fc00000001';
  const body = `{"name": "Echo", "timeout": 60.0, "total_size": 0, "header_size": 0, "dendrite": {"status_code": null, "status_message": null, "process_time": null, "ip": "127.0.0.1", "port": null, "version": 10002000, "nonce": 0, "uuid": "${uuid}", "hotkey": "${dendrite.address}", "signature": ""}, "axon": {"status_code": null, "status_message": null, "process_time": null, "ip": "127.0.0.1", "port": 8091, "version": null, "nonce": null, "uuid": null, "hotkey": "${axonAddress}", "signature": null}, "computed_body_hash": "", "text": ${JSON.stringify(text)}, "out": null}`;
  const hash = BenchEcho.bodyHash(body);
  const start = BigInt(Date.now()) * 1_000_000n;
  const requests = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const nonce = (start + BigInt(i)).toString();
    requests[i] = {
      name: 'Echo',
      timeout: '60.0',
      bt_header_dendrite_ip: '127.0.0.1',
      bt_header_dendrite_version: '10002000',
      bt_header_dendrite_nonce: nonce,
      bt_header_dendrite_uuid: uuid,
      bt_header_dendrite_hotkey: dendrite.address,
      bt_header_dendrite_signature: dendrite.sign(
        `${nonce}.${dendrite.address}.${axonAddress}.${uuid}.${hash}`,
      ),
      computed_body_hash: hash,
      'content-type': 'application/json',
    };
  }
  return { body, requests };
}

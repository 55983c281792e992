/**
 * `@mt/wire`: how miners and validators talk. Ed25519 hotkeys,
 * signed envelopes over HTTP, the miner handler (web-standard) with its
 * `node:http` server, and the validator client. A package of its own, so
 * installing the contract (`@mt/protocol`) never installs the wire. The
 * observer types the server reports to (`MinerServerObserver`, ...) are in
 * `@mt/protocol`, so a metrics package implements them without the wire.
 *
 * @packageDocumentation
 */

export {
  type MinerEndpoint,
  type QueryOptions,
  type QueryOutcome,
  type QueryStatus,
  ValidatorClient,
  type ValidatorClientOptions,
} from './client/validator-client.js';
export {
  type EnvelopeFields,
  type EnvelopeKind,
  envelopeHeaders,
  taskPath,
  WIRE_VERSION,
} from './envelope/headers.js';
export { ReplayGuard, type ReplayGuardOptions } from './envelope/replay-guard.js';
export { type SignEnvelopeInput, signEnvelope } from './envelope/sign-envelope.js';
export {
  type VerifiedEnvelope,
  type VerifyEnvelopeInput,
  verifyEnvelope,
} from './envelope/verify-envelope.js';
export {
  EnvelopeRejectedError,
  type EnvelopeRejectionCode,
  envelopeRejections,
  InvalidAddressError,
} from './errors.js';
export type { WireFetch } from './http/guarded-fetch.js';
export {
  type CarriedHandler,
  type CarriedServer,
  type CarrierOptions,
  serveHandler,
} from './http/http-carrier.js';
export type { PlainRoute } from './http/web-standard.js';
export {
  type WireAnswer,
  type WireErrorBody,
  WireReply,
  type WireRequest,
} from './http/wire-request.js';
export { addressFromPublicKey } from './keys/address.js';
export { Hotkey, type TrustedKey } from './keys/hotkey.js';
export { loadHotkey, loadOrCreateHotkey, saveHotkey } from './keys/key-file.js';
export { SignerPool, type SignerPoolOptions } from './keys/signer-pool.js';
export {
  createMinerHandler,
  type MinerHandler,
  type MinerHandlerOptions,
  type MinerServerMetrics,
} from './server/miner-handler.js';
export {
  createMinerServer,
  type MinerServer,
  type MinerServerOptions,
} from './server/miner-server.js';
export type { RateLimit } from './server/rate-limiter.js';
export {
  type HandlerContext,
  subnetTaskHandler,
  type TaskHandler,
  taskHandler,
} from './server/task-stages.js';

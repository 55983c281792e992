/**
 * `@mt/protocol/wire`: how miners and validators talk. Ed25519 hotkeys,
 * signed envelopes over HTTP, the miner server (fastify) and the validator
 * client. Kept apart from the core entry so importing types never loads an
 * HTTP server.
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
  canonicalMessage,
  type EnvelopeFields,
  type EnvelopeKind,
  envelopeHeaders,
  WIRE_VERSION,
} from './envelope/headers.js';
export { ReplayGuard, type ReplayGuardOptions } from './envelope/replay-guard.js';
export { hashBody, type SignEnvelopeInput, signEnvelope } from './envelope/sign-envelope.js';
export {
  type VerifiedEnvelope,
  type VerifyEnvelopeInput,
  verifyEnvelope,
} from './envelope/verify-envelope.js';
export { addressFromPublicKey, publicKeyFromAddress } from './keys/address.js';
export { Hotkey, verifySignature } from './keys/hotkey.js';
export { loadHotkey, saveHotkey } from './keys/key-file.js';
export {
  createMinerServer,
  type HandlerContext,
  type MinerServer,
  type MinerServerMetrics,
  type MinerServerOptions,
  type TaskHandler,
  taskPath,
} from './server/miner-server.js';
export type {
  MinerServerObserver,
  MinerServerProbe,
  WireResponseEvent,
  WireStage,
} from './server/miner-server-observer.js';
export { type RateLimit, RateLimiter } from './server/rate-limiter.js';
export type { WireErrorBody } from './server/wire-error.js';

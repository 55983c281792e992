/**
 * `@mt/subnets`: ready-made ModernTensor subnets, each as a miner and a
 * validator (the roles of `@mt/protocol`'s `SubnetMiner` and
 * `SubnetValidator`), and the wrappers a real miner wants.
 *
 * This entry holds what every subnet shares (the wrappers, the metrics, the
 * errors) and `echo`, the template subnet. Each real subnet has its own
 * entry, so its stack arrives only with it:
 * - `@mt/subnets/text-generation` (Transformers.js and onnxruntime);
 * - `@mt/subnets/verifiable-inference` (`@mt/zkml`: snarkjs and circom).
 *
 * @packageDocumentation
 */

export { type EchoValidatorOptions, echoMiner, echoValidator } from './echo/echo-subnet.js';
export {
  InvalidSubnetInputError,
  ModelLoadError,
  SUBNETS_ERROR_PREFIX,
  SubnetError,
  TransientSubnetError,
} from './errors.js';
export { observedSpeed } from './speed.js';
export { SubnetMetrics } from './wrappers/subnet-metrics.js';
export { taskIdentity } from './wrappers/task-identity.js';
export { type CacheOptions, withCache } from './wrappers/with-cache.js';
export { withDeadline } from './wrappers/with-deadline.js';
export { withMetrics } from './wrappers/with-metrics.js';
export { type ResilienceOptions, withResilience } from './wrappers/with-resilience.js';
export { type RetryOptions, withRetry } from './wrappers/with-retry.js';

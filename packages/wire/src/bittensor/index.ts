/**
 * `@mt/wire/bittensor`: Bittensor's own wire, the v10 Synapse protocol that
 * every deployed subnet speaks. Synapses declared once in TypeScript with
 * their Python field types, read as pydantic reads them and hashed
 * byte-exact with `Synapse.body_hash`; sr25519 hotkeys with SS58 addresses,
 * signing and verifying as btwallet does, read from and written to
 * Bittensor wallets as btwallet lays them out; the axon, a web-standard
 * handler that Python dendrites read as success and that refuses what
 * Python's axon lets through; and the dendrite, whose requests are Python's
 * and which reads answers exactly as Python's does.
 *
 * @packageDocumentation
 */

export {
  type AxonContext,
  type AxonRoute,
  axonRoute,
  axonStreamRoute,
  BittensorAxon,
  type BittensorAxonMetrics,
  type BittensorAxonOptions,
} from './axon.js';
export {
  type AxonInfo,
  BittensorDendrite,
  type BittensorDendriteOptions,
  type DendriteCallOptions,
  type DendriteStreamOptions,
  type SynapseResult,
  type SynapseResultOf,
  type SynapseStream,
} from './dendrite.js';
export {
  createEpistulaHandler,
  type EpistulaContext,
  type EpistulaHandler,
  type EpistulaHandlerOptions,
  type EpistulaRoute,
  type EpistulaSender,
  type EpistulaVerifyOptions,
  epistulaSign,
  epistulaVerify,
} from './epistula.js';
export { Ss58AddressError, SynapseFieldError } from './errors.js';
export { type PyJson, PyNumber, type PythonJsonOptions, parsePythonJson } from './python-json.js';
export { pythonRepr, pythonStr } from './python-str.js';
export { coercePython, type JsOf, type PyType, type PyValue, py } from './python-types.js';
export {
  Sr25519Hotkey,
  sr25519SignatureRefusal,
  ss58Decode,
  ss58Encode,
} from './sr25519.js';
export {
  type DefaultedFields,
  defineSynapse,
  type FieldWithDefault,
  type SynapseDeclaration,
  type SynapseFields,
  type SynapseFieldType,
  type SynapseInput,
  type SynapseInputOf,
  type SynapseSpec,
  type SynapseValues,
  type SynapseValuesOf,
} from './synapse.js';
export { Sr25519VerifierPool, type Sr25519VerifierPoolOptions } from './verifier-pool.js';
export {
  BittensorWalletError,
  type BittensorWalletLocation,
  type BittensorWalletProblem,
  bittensorWalletPaths,
  loadBittensorColdkey,
  loadBittensorHotkey,
  readBittensorPublicKeyfile,
  type WalletPasswordOptions,
  writeBittensorHotkey,
} from './wallet.js';

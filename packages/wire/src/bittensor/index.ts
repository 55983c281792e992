/**
 * `@mt/wire/bittensor`: Bittensor's own wire (the v10 Synapse protocol that
 * every deployed subnet speaks), built up in steps. So far: synapses
 * declared once in TypeScript with their Python field types, read as
 * pydantic reads them, and hashed byte-exact with `Synapse.body_hash`; and
 * sr25519 hotkeys with SS58 addresses, signing and verifying as btwallet does.
 *
 * @packageDocumentation
 */

export { Ss58AddressError, SynapseFieldError } from './errors.js';
export { type PyJson, PyNumber, type PythonJsonOptions, parsePythonJson } from './python-json.js';
export { pythonRepr, pythonStr } from './python-str.js';
export { coercePython, type PyType, type PyValue, py } from './python-types.js';
export {
  BITTENSOR_SS58_PREFIX,
  Sr25519Hotkey,
  sr25519SignatureRefusal,
  ss58Decode,
  ss58Encode,
} from './sr25519.js';
export {
  defineSynapse,
  type FieldWithDefault,
  type SynapseDeclaration,
  type SynapseSpec,
} from './synapse.js';

/**
 * `@mt/wire/bittensor`: Bittensor's own wire (the v10 Synapse protocol that
 * every deployed subnet speaks), built up in steps. This step: synapses
 * declared once in TypeScript with their Python field types, read as
 * pydantic reads them, and hashed byte-exact with `Synapse.body_hash`.
 *
 * @packageDocumentation
 */

export { SynapseFieldError } from './errors.js';
export { type PyJson, PyNumber, type PythonJsonOptions, parsePythonJson } from './python-json.js';
export { pythonRepr, pythonStr } from './python-str.js';
export { coercePython, type PyType, type PyValue, py } from './python-types.js';
export {
  defineSynapse,
  type FieldWithDefault,
  type SynapseDeclaration,
  type SynapseSpec,
} from './synapse.js';

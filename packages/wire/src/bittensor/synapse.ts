import { createHash } from 'node:crypto';
import { SynapseFieldError } from './errors.js';
import { type PyJson, PyNumber, parsePythonJson } from './python-json.js';
import { pythonStr } from './python-str.js';
import { coercePython, type PyType, type PyValue } from './python-types.js';

/** A field with a default, which a body may leave out (pydantic's `x: T = default`). */
export interface FieldWithDefault {
  type: PyType;
  /** The default as JSON (`[]`, `{}`, `null`, `""`, a number). */
  default: unknown;
}

/** What a synapse class declares: its name (the route), its fields in order, and what is hashed. */
export interface SynapseSpec {
  /** The class name: the route (`/Echo`) and the `name` header. */
  name: string;
  /** The fields the subnet adds to `Synapse`, in declaration order. */
  fields: Readonly<Record<string, PyType | FieldWithDefault>>;
  /** `required_hash_fields`, in the order hashed. Default none (nothing of the body is signed). */
  requiredHashFields?: readonly string[];
  /**
   * `'declared'` (default): the `ClassVar` form, hashed in `requiredHashFields`'
   * order. `'fields'`: the legacy form that declares `required_hash_fields`
   * as a pydantic field, hashed in field order.
   */
  hashOrder?: 'declared' | 'fields';
}

/** A synapse class declared in TypeScript: reads bodies as pydantic does and hashes them as `Synapse.body_hash`. */
export interface SynapseDeclaration {
  readonly name: string;
  readonly fields: Readonly<
    Record<string, FieldWithDefault | { type: PyType; default?: undefined }>
  >;
  /** The hashed fields, in the order they are hashed. */
  readonly hashFields: readonly string[];
  /** The declared fields of a JSON body, coerced to their Python types (defaults filled in). */
  read(body: string | Map<string, PyJson>): Map<string, PyValue>;
  /** `Synapse.body_hash` of a JSON body: what a dendrite signs and an axon checks. */
  bodyHash(body: string | Map<string, PyJson>): string;
}

const sha3 = (text: string) => createHash('sha3-256').update(text, 'utf8').digest('hex');

/** A JavaScript JSON value (a declared default) as Python's `json` would read its text. */
function toPyJson(value: unknown, path: string): PyJson {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SynapseFieldError(path, 'a default must be finite');
    return new PyNumber(String(value));
  }
  if (typeof value === 'bigint') return new PyNumber(value.toString());
  if (Array.isArray(value)) return value.map((item, i) => toPyJson(item, `${path}[${i}]`));
  if (typeof value === 'object')
    return new Map(Object.entries(value).map(([k, v]) => [k, toPyJson(v, `${path}.${k}`)]));
  throw new SynapseFieldError(path, `a default cannot be ${typeof value}`);
}

/**
 * Declares a synapse once, for both sides of the Bittensor wire: the fields'
 * Python types, their defaults and `required_hash_fields`. Its `bodyHash`
 * is byte-exact with Python's: `sha3_256(concat(sha3_256(str(v)) for each
 * hashed field))`, where `v` is the field after pydantic's coercion and
 * `model_dump()`, and `str()` is Python's.
 *
 * @example
 * ```ts
 * const Echo = defineSynapse({
 *   name: 'Echo',
 *   fields: {
 *     text: py.str,
 *     xs: { type: py.list(py.float), default: [] },
 *     out: { type: py.optional(py.str), default: null },
 *   },
 *   requiredHashFields: ['text', 'xs'],
 * });
 * Echo.bodyHash('{"text": "hi", "xs": [1, 2.5]}'); // hashes 'hi' and '[1.0, 2.5]'
 * ```
 */
export function defineSynapse(spec: SynapseSpec): SynapseDeclaration {
  const fields = Object.fromEntries(
    Object.entries(spec.fields).map(([name, field]) => [
      name,
      'kind' in field ? { type: field as PyType } : (field as FieldWithDefault),
    ]),
  ) as SynapseDeclaration['fields'];
  const declared = spec.requiredHashFields ?? [];
  for (const name of declared)
    if (!Object.hasOwn(fields, name))
      throw new SynapseFieldError(name, `is in requiredHashFields but not a field of ${spec.name}`);
  const hashFields =
    spec.hashOrder === 'fields'
      ? Object.keys(fields).filter((f) => declared.includes(f))
      : [...declared];
  const defaults = new Map(
    Object.entries(fields)
      .filter(([, field]) => field.default !== undefined)
      .map(([name, field]) => [name, toPyJson(field.default, name)]),
  );

  const read = (body: string | Map<string, PyJson>): Map<string, PyValue> => {
    const json = typeof body === 'string' ? parsePythonJson(body) : body;
    if (!(json instanceof Map)) throw new SynapseFieldError('(body)', 'must be a JSON object');
    const values = new Map<string, PyValue>();
    for (const [name, field] of Object.entries(fields)) {
      const given = json.has(name) ? json.get(name) : defaults.get(name);
      if (given === undefined)
        throw new SynapseFieldError(name, `is required by ${spec.name} and missing`);
      values.set(name, coercePython(field.type, given as PyJson, name));
    }
    return values;
  };

  return {
    name: spec.name,
    fields,
    hashFields,
    read,
    bodyHash(body) {
      const values = read(body);
      return sha3(hashFields.map((name) => sha3(pythonStr(values.get(name) as PyValue))).join(''));
    },
  };
}

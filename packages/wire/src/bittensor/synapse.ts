import { createHash } from 'node:crypto';
import { SynapseFieldError } from './errors.js';
import { type PyJson, parsePythonJson } from './python-json.js';
import { pythonStr } from './python-str.js';
import {
  coercePython,
  type JsOf,
  jsToPyJson,
  type PyType,
  type PyValue,
  py,
  pyToJs,
} from './python-types.js';

/** A field with a default, which a body may leave out (pydantic's `x: T = default`). */
export interface FieldWithDefault<T extends PyType = PyType> {
  type: T;
  /** The default as JSON (`[]`, `{}`, `null`, `""`, a number). */
  default: unknown;
}

/** A synapse's own fields by name, in declaration order: a type, or a type with its default. */
export type SynapseFields = Readonly<Record<string, PyType | FieldWithDefault>>;

/** The Python type of a field entry, with or without its default. */
export type SynapseFieldType<F> =
  F extends FieldWithDefault<infer T> ? T : F extends PyType ? F : never;

/** The names of the fields that have a default (a dendrite may leave them out). */
export type DefaultedFields<F extends SynapseFields> = {
  [K in keyof F]: F[K] extends FieldWithDefault ? K : never;
}[keyof F];

/** Every field of a synapse as the typed side holds it (see `JsOf`). */
export type SynapseValues<F extends SynapseFields> = string extends keyof F
  ? Record<string, unknown> // a synapse whose fields are not known here
  : { -readonly [K in keyof F]: JsOf<SynapseFieldType<F[K]>> };

/** What a dendrite sends: the fields without a default, and any of the others. */
export type SynapseInput<F extends SynapseFields> = string extends keyof F
  ? Record<string, unknown>
  : { -readonly [K in Exclude<keyof F, DefaultedFields<F>>]: JsOf<SynapseFieldType<F[K]>> } & {
      -readonly [K in DefaultedFields<F>]?: JsOf<SynapseFieldType<F[K]>>;
    };

/** The typed values of a declared synapse, e.g. `SynapseValuesOf<typeof Echo>`. */
export type SynapseValuesOf<S> =
  S extends SynapseDeclaration<infer F extends SynapseFields> ? SynapseValues<F> : never;

/** What a dendrite sends for a declared synapse, e.g. `SynapseInputOf<typeof Echo>`. */
export type SynapseInputOf<S> =
  S extends SynapseDeclaration<infer F extends SynapseFields> ? SynapseInput<F> : never;

/** What a synapse class declares: its name (the route), its fields in order, and what is hashed. */
export interface SynapseSpec<F extends SynapseFields = SynapseFields> {
  /** The class name: the route (`/Echo`) and the `name` header. */
  name: string;
  /** The fields the subnet adds to `Synapse`, in declaration order. */
  fields: F;
  /** `required_hash_fields`, in the order hashed. Default none (nothing of the body is signed). */
  requiredHashFields?: readonly (keyof F & string)[];
  /**
   * `'declared'` (default): the `ClassVar` form, hashed in `requiredHashFields`'
   * order. `'fields'`: the legacy form that declares `required_hash_fields`
   * as a pydantic field, hashed in field order.
   */
  hashOrder?: 'declared' | 'fields';
}

/**
 * A synapse class declared in TypeScript: reads bodies as pydantic does,
 * hashes them as `Synapse.body_hash`, and converts between Python values and
 * the typed side ({@link SynapseValues}) for both the axon and the dendrite.
 */
export interface SynapseDeclaration<F extends SynapseFields = SynapseFields> {
  readonly name: string;
  /** The subnet's fields (not the `Synapse` base's), each with its type and default, if any. */
  readonly fields: Readonly<Record<string, { type: PyType; default?: unknown }>>;
  /** The hashed fields, in the order they are hashed. */
  readonly hashFields: readonly string[];
  /**
   * A JSON body's fields, the `Synapse` base's first, coerced to their Python
   * types, defaults filled in.
   *
   * @throws SynapseFieldError naming the field that does not hold its type.
   */
  read(body: string | Map<string, PyJson>): Map<string, PyValue>;
  /** `Synapse.body_hash` of a JSON body: what a dendrite signs and an axon checks. */
  bodyHash(body: string | Map<string, PyJson>): string;
  /** `Synapse.body_hash` of values already {@link SynapseDeclaration.read | read}. */
  hashValues(values: Map<string, PyValue>): string;
  /** The subnet's fields of values read, on the typed side. */
  toValues(values: Map<string, PyValue>): SynapseValues<F>;
  /**
   * Typed values (all or some fields) as Python values, each checked against
   * its field's type as a peer's JSON would be.
   */
  fromValues(values: Partial<SynapseValues<F>>): Map<string, PyValue>;
}

/** `bittensor.TerminalInfo`: what the dendrite and the axon say of themselves. */
export const terminalInfo = py.model('TerminalInfo', {
  status_code: py.optional(py.int),
  status_message: py.optional(py.str),
  process_time: py.optional(py.float),
  ip: py.optional(py.str),
  port: py.optional(py.int),
  version: py.optional(py.int),
  nonce: py.optional(py.int),
  uuid: py.optional(py.str),
  hotkey: py.optional(py.str),
  signature: py.optional(py.str),
});

/** The fields of `bittensor.Synapse` itself, which every synapse's body starts with. */
export const SYNAPSE_BASE_FIELDS = {
  name: { type: py.optional(py.str), default: null },
  timeout: { type: py.optional(py.float), default: 12.0 },
  total_size: { type: py.optional(py.int), default: 0 },
  header_size: { type: py.optional(py.int), default: 0 },
  dendrite: { type: py.optional(terminalInfo), default: {} },
  axon: { type: py.optional(terminalInfo), default: {} },
  computed_body_hash: { type: py.optional(py.str), default: '' },
} as const satisfies SynapseFields;

const sha3 = (text: string) => createHash('sha3-256').update(text, 'utf8').digest('hex');

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
export function defineSynapse<const F extends SynapseFields>(
  spec: SynapseSpec<F>,
): SynapseDeclaration<F> {
  const normalize = (fields: SynapseFields) =>
    Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [
        name,
        'kind' in field ? { type: field as PyType } : (field as FieldWithDefault),
      ]),
    ) as Record<string, { type: PyType; default?: unknown }>;
  const fields = normalize(spec.fields);
  const all = { ...normalize(SYNAPSE_BASE_FIELDS), ...fields };
  for (const name of Object.keys(fields))
    if (Object.hasOwn(SYNAPSE_BASE_FIELDS, name))
      throw new SynapseFieldError(
        name,
        `is a field of Synapse itself; ${spec.name} cannot redeclare it`,
      );
  const declared: readonly string[] = spec.requiredHashFields ?? [];
  for (const name of declared)
    if (!Object.hasOwn(fields, name))
      throw new SynapseFieldError(name, `is in requiredHashFields but not a field of ${spec.name}`);
  const hashFields =
    spec.hashOrder === 'fields'
      ? Object.keys(fields).filter((f) => declared.includes(f))
      : [...declared];
  const defaults = new Map(
    Object.entries(all)
      .filter(([, field]) => field.default !== undefined)
      .map(([name, field]) => [name, jsToPyJson(field.default, name)]),
  );

  const read = (body: string | Map<string, PyJson>): Map<string, PyValue> => {
    const json = typeof body === 'string' ? parsePythonJson(body) : body;
    if (!(json instanceof Map)) throw new SynapseFieldError('(body)', 'must be a JSON object');
    const values = new Map<string, PyValue>();
    for (const [name, field] of Object.entries(all)) {
      const given = json.has(name) ? json.get(name) : defaults.get(name);
      if (given === undefined)
        throw new SynapseFieldError(name, `is required by ${spec.name} and missing`);
      values.set(name, coercePython(field.type, given as PyJson, name));
    }
    return values;
  };

  const hashValues = (values: Map<string, PyValue>): string =>
    sha3(hashFields.map((name) => sha3(pythonStr(values.get(name) as PyValue))).join(''));

  return {
    name: spec.name,
    fields,
    hashFields,
    read,
    bodyHash: (body) => hashValues(read(body)),
    hashValues,
    toValues(values) {
      return Object.fromEntries(
        Object.keys(fields).map((name) => [name, pyToJs(values.get(name) as PyValue, name)]),
      ) as never;
    },
    fromValues(values) {
      const out = new Map<string, PyValue>();
      for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
        const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
        if (field === undefined)
          throw new SynapseFieldError(name, `is not a field of ${spec.name}`);
        out.set(name, coercePython(field.type, jsToPyJson(value, name), name));
      }
      return out;
    },
  };
}

import { SynapseFieldError } from './errors.js';
import { type PyJson, PyNumber } from './python-json.js';

/**
 * A synapse field's Python type, as its pydantic class declares it. Build one
 * with {@link py}: `py.list(py.float)` is `List[float]`,
 * `py.dict(py.str, py.int)` is `Dict[str, int]`.
 */
export type PyType =
  | { readonly kind: 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'datetime' | 'any' }
  | { readonly kind: 'list'; readonly item: PyType }
  | { readonly kind: 'tuple'; readonly items: readonly PyType[] }
  | { readonly kind: 'dict'; readonly key: PyType; readonly value: PyType }
  | { readonly kind: 'optional'; readonly inner: PyType }
  | { readonly kind: 'union'; readonly options: readonly PyType[] }
  | { readonly kind: 'literal'; readonly values: readonly (string | number | boolean)[] }
  | {
      readonly kind: 'model';
      readonly name: string;
      readonly fields: Readonly<Record<string, PyType>>;
    }
  | {
      readonly kind: 'enum';
      readonly name: string;
      readonly base: 'str' | 'int';
      readonly members: Readonly<Record<string, string | number>>;
    };

/** Builders of {@link PyType}s, named as Python writes them; each keeps its exact type, for {@link JsOf}. */
export const py = {
  /** `str`. */
  str: { kind: 'str' },
  /** `int`, of any size (a JavaScript `number` on the typed side: refused past 2^53). */
  int: { kind: 'int' },
  /** `float`. */
  float: { kind: 'float' },
  /** `bool`. */
  bool: { kind: 'bool' },
  /** `bytes`: the UTF-8 bytes of a JSON string, as pydantic reads them. */
  bytes: { kind: 'bytes' },
  /** `datetime`, from an ISO 8601 string. */
  datetime: { kind: 'datetime' },
  /** `Any`, or an untyped `dict`/`list`: JSON as Python's `json` reads it (ints stay ints). */
  any: { kind: 'any' },
  /** `List[item]`. */
  list: <const I extends PyType>(item: I) => ({ kind: 'list', item }) as const,
  /** `Tuple[a, b, …]`, of a fixed length. */
  tuple: <const I extends readonly PyType[]>(...items: I) => ({ kind: 'tuple', items }) as const,
  /** `Dict[key, value]`; a JSON object's keys are coerced to `key` (`Dict[int, …]` has int keys). */
  dict: <const K extends PyType, const V extends PyType>(key: K, value: V) =>
    ({ kind: 'dict', key, value }) as const,
  /** `Optional[inner]`: `null` is `None`. */
  optional: <const I extends PyType>(inner: I) => ({ kind: 'optional', inner }) as const,
  /** `Union[a, b, …]`: the first option the value matches exactly, else the first it converts to. */
  union: <const O extends readonly PyType[]>(...options: O) =>
    ({ kind: 'union', options }) as const,
  /** `Literal[v, …]`: the value must be one of these. */
  literal: <const V extends readonly (string | number | boolean)[]>(...values: V) =>
    ({ kind: 'literal', values }) as const,
  /** A nested `pydantic.BaseModel`: its fields in declaration order. */
  model: <const F extends Record<string, PyType>>(name: string, fields: F) =>
    ({ kind: 'model', name, fields }) as const,
  /** A `(str, Enum)` class: member names to values. */
  strEnum: <const M extends Record<string, string>>(name: string, members: M) =>
    ({ kind: 'enum', name, base: 'str', members }) as const,
  /** An `IntEnum` class: member names to values. */
  intEnum: <const M extends Record<string, number>>(name: string, members: M) =>
    ({ kind: 'enum', name, base: 'int', members }) as const,
} as const;

/**
 * The JavaScript type a field of Python type `T` has on the typed side of a
 * synapse: `str` is `string`, `int` and `float` are `number`, `List[T]` an
 * array, `Dict[K, V]` a record keyed by the key's text, `Optional[T]`
 * `T | null`, a model an object, an enum its members' values.
 */
export type JsOf<T extends PyType> = T extends { kind: 'str' | 'datetime' }
  ? string
  : T extends { kind: 'int' | 'float' }
    ? number
    : T extends { kind: 'bool' }
      ? boolean
      : T extends { kind: 'bytes' }
        ? Uint8Array
        : T extends { kind: 'any' }
          ? unknown
          : T extends { kind: 'list'; item: infer I extends PyType }
            ? JsOf<I>[]
            : T extends { kind: 'tuple'; items: infer I extends readonly PyType[] }
              ? { -readonly [K in keyof I]: JsOf<I[K]> }
              : T extends { kind: 'dict'; value: infer V extends PyType }
                ? Record<string, JsOf<V>>
                : T extends { kind: 'optional'; inner: infer I extends PyType }
                  ? JsOf<I> | null
                  : T extends { kind: 'union'; options: readonly (infer O extends PyType)[] }
                    ? JsOf<O>
                    : T extends { kind: 'literal'; values: readonly (infer V)[] }
                      ? V
                      : T extends { kind: 'model'; fields: infer F extends Record<string, PyType> }
                        ? { -readonly [K in keyof F]: JsOf<F[K]> }
                        : T extends { kind: 'enum'; members: infer M }
                          ? M[keyof M]
                          : never;

/**
 * A value as Python holds it after pydantic's coercion and `model_dump()`:
 * ints exact, floats as doubles, nested models as dicts, enum members as
 * members. What {@link pythonStr} prints.
 */
export type PyValue =
  | { readonly t: 'none' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'int'; readonly v: bigint }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bytes'; readonly v: Uint8Array }
  | { readonly t: 'list' | 'tuple'; readonly items: readonly PyValue[] }
  | { readonly t: 'dict'; readonly entries: readonly (readonly [PyValue, PyValue])[] }
  | { readonly t: 'enum'; readonly cls: string; readonly member: string; readonly value: PyValue }
  | { readonly t: 'datetime'; readonly text: string };

const NONE: PyValue = { t: 'none' };

/** pydantic's lax words for a bool. */
const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function describe(json: PyJson): string {
  if (json === null) return 'null';
  if (json instanceof PyNumber) return `the number ${json.lexeme.slice(0, 40)}`;
  if (Array.isArray(json)) return 'a list';
  if (json instanceof Map) return 'an object';
  return typeof json === 'string' ? 'a string' : `${json}`;
}

/** A JSON number as a Python float (`float(lexeme)`). */
function floatOf(number: PyNumber): number {
  if (number.lexeme === 'NaN') return Number.NaN;
  if (number.lexeme === 'Infinity') return Number.POSITIVE_INFINITY;
  if (number.lexeme === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(number.lexeme);
}

/** A JSON number as a Python int: exact for an int lexeme, a float only when it has no fraction. */
function intOf(number: PyNumber): bigint | undefined {
  if (number.isInteger) return BigInt(number.lexeme);
  const value = floatOf(number);
  return Number.isInteger(value) ? BigInt(value) : undefined;
}

/** JSON as Python's `json` reads it, for `Any` and untyped containers. */
function plain(json: PyJson): PyValue {
  if (json === null) return NONE;
  if (typeof json === 'boolean') return { t: 'bool', v: json };
  if (typeof json === 'string') return { t: 'str', v: json };
  if (json instanceof PyNumber)
    return json.isInteger ? { t: 'int', v: BigInt(json.lexeme) } : { t: 'float', v: floatOf(json) };
  if (Array.isArray(json)) return { t: 'list', items: json.map(plain) };
  return {
    t: 'dict',
    entries: [...json].map(([key, value]) => [{ t: 'str', v: key }, plain(value)] as const),
  };
}

/** An ISO 8601 date-time as Python's `str(datetime)` prints it. */
function datetimeText(text: string, path: string): string {
  const match =
    /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text,
    );
  if (!match)
    throw new SynapseFieldError(
      path,
      `${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 date-time`,
    );
  const [, date, time, fraction, zone] = match;
  const seconds = (time as string).length === 5 ? `${time}:00` : time;
  const micros = fraction ? `.${fraction.padEnd(6, '0')}` : '';
  const offset =
    zone === undefined ? '' : zone === 'Z' ? '+00:00' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return `${date} ${seconds}${micros}${offset}`;
}

/**
 * Reads `json` as pydantic (v2, lax mode) validates it into `type`, then as
 * `model_dump()` leaves it: a JSON int for a `float` becomes a float, a
 * float with no fraction for an `int` an int, `1`/`0` for a `bool`
 * `True`/`False`, string keys of `Dict[int, …]` ints, a nested model a dict;
 * a union takes the first option the value matches exactly, then the first
 * it converts to.
 *
 * @throws SynapseFieldError naming the path and what was expected.
 */
export function coercePython(type: PyType, json: PyJson, path = '(value)'): PyValue {
  const refuse = (expected: string): never => {
    throw new SynapseFieldError(path, `expected ${expected}, got ${describe(json)}`);
  };
  switch (type.kind) {
    case 'any':
      return plain(json);
    case 'str':
      return typeof json === 'string' ? { t: 'str', v: json } : refuse('a string');
    case 'bytes':
      return typeof json === 'string'
        ? { t: 'bytes', v: new TextEncoder().encode(json) }
        : refuse('a string (bytes)');
    case 'float':
      if (json instanceof PyNumber) return { t: 'float', v: floatOf(json) };
      if (typeof json === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(json))
        return { t: 'float', v: Number(json) };
      return refuse('a float');
    case 'int': {
      if (json instanceof PyNumber) {
        const value = intOf(json);
        return value === undefined
          ? refuse('an int (a number with no fraction)')
          : { t: 'int', v: value };
      }
      if (typeof json === 'string' && /^\s*[-+]?\d+\s*$/.test(json))
        return { t: 'int', v: BigInt(json.trim()) };
      return refuse('an int');
    }
    case 'bool':
      if (typeof json === 'boolean') return { t: 'bool', v: json };
      if (json instanceof PyNumber && (json.lexeme === '1' || json.lexeme === '0'))
        return { t: 'bool', v: json.lexeme === '1' };
      if (typeof json === 'string' && TRUE_WORDS.has(json.toLowerCase()))
        return { t: 'bool', v: true };
      if (typeof json === 'string' && FALSE_WORDS.has(json.toLowerCase()))
        return { t: 'bool', v: false };
      return refuse('a bool');
    case 'datetime':
      return typeof json === 'string'
        ? { t: 'datetime', text: datetimeText(json, path) }
        : refuse('an ISO 8601 date-time string');
    case 'list':
      return Array.isArray(json)
        ? {
            t: 'list',
            items: json.map((item, i) => coercePython(type.item, item, `${path}[${i}]`)),
          }
        : refuse('a list');
    case 'tuple':
      if (!Array.isArray(json) || json.length !== type.items.length)
        return refuse(`a list of ${type.items.length}`);
      return {
        t: 'tuple',
        items: json.map((item, i) => coercePython(type.items[i] as PyType, item, `${path}[${i}]`)),
      };
    case 'dict':
      if (!(json instanceof Map)) return refuse('an object');
      return {
        t: 'dict',
        entries: [...json].map(
          ([key, value]) =>
            [
              coercePython(type.key, key, `${path}.${key}(key)`),
              coercePython(type.value, value, `${path}.${key}`),
            ] as const,
        ),
      };
    case 'optional':
      return json === null ? NONE : coercePython(type.inner, json, path);
    case 'union': {
      const exact = type.options.find((option) => matchesExactly(option, json));
      if (exact) return coercePython(exact, json, path);
      for (const option of type.options) {
        try {
          return coercePython(option, json, path);
        } catch (error) {
          if (!SynapseFieldError.isInstance(error)) throw error;
        }
      }
      return refuse('one of the union’s types');
    }
    case 'literal': {
      const found = type.values.find((value) =>
        typeof value === 'string'
          ? json === value
          : typeof value === 'boolean'
            ? json === value
            : json instanceof PyNumber && json.isInteger && BigInt(json.lexeme) === BigInt(value),
      );
      if (found === undefined)
        return refuse(`one of ${type.values.map((v) => JSON.stringify(v)).join(', ')}`);
      return typeof found === 'string'
        ? { t: 'str', v: found }
        : typeof found === 'boolean'
          ? { t: 'bool', v: found }
          : { t: 'int', v: BigInt(found) };
    }
    case 'model': {
      if (!(json instanceof Map)) return refuse(`an object (${type.name})`);
      return {
        t: 'dict',
        entries: Object.entries(type.fields).map(([name, field]) => {
          const value = json.get(name);
          if (value === undefined && field.kind !== 'optional')
            throw new SynapseFieldError(`${path}.${name}`, `is required by ${type.name}`);
          return [
            { t: 'str', v: name },
            coercePython(field, value ?? null, `${path}.${name}`),
          ] as const;
        }),
      };
    }
    case 'enum': {
      const member = Object.entries(type.members).find(([, value]) =>
        typeof value === 'string'
          ? json === value
          : json instanceof PyNumber && json.isInteger && BigInt(json.lexeme) === BigInt(value),
      );
      if (!member) return refuse(`a value of ${type.name}`);
      const [name, value] = member;
      return {
        t: 'enum',
        cls: type.name,
        member: name,
        value: typeof value === 'string' ? { t: 'str', v: value } : { t: 'int', v: BigInt(value) },
      };
    }
  }
}

/** Whether `json` is already of `type` without conversion (pydantic's strict match in a smart union). */
function matchesExactly(type: PyType, json: PyJson): boolean {
  switch (type.kind) {
    case 'str':
      return typeof json === 'string';
    case 'int':
      return json instanceof PyNumber && json.isInteger;
    case 'float':
      return json instanceof PyNumber && !json.isInteger;
    case 'bool':
      return typeof json === 'boolean';
    case 'optional':
      return json === null || matchesExactly(type.inner, json);
    case 'list':
      return Array.isArray(json) && json.every((item) => matchesExactly(type.item, item));
    default:
      return false;
  }
}

/**
 * A Python value on the typed side ({@link JsOf}): ints as `number` (one
 * past 2^53 is refused, since it would round), dicts as records keyed by
 * the key's text, tuples as arrays, enum members as their values, a
 * `datetime` as its ISO 8601 text.
 *
 * @throws SynapseFieldError for an int a `number` cannot hold exactly.
 */
export function pyToJs(value: PyValue, path = '(value)'): unknown {
  switch (value.t) {
    case 'none':
      return null;
    case 'bool':
    case 'float':
    case 'str':
    case 'bytes':
      return value.v;
    case 'int': {
      const number = Number(value.v);
      if (!Number.isSafeInteger(number))
        throw new SynapseFieldError(path, `${value.v} is past 2^53, which a number cannot hold`);
      return number;
    }
    case 'list':
    case 'tuple':
      return value.items.map((item, i) => pyToJs(item, `${path}[${i}]`));
    case 'dict':
      // fromEntries defines own properties: a key "__proto__" stays a key.
      return Object.fromEntries(
        value.entries.map(([key, item]) => {
          const name =
            key.t === 'str' ? key.v : key.t === 'int' ? key.v.toString() : String(pyToJs(key));
          return [name, pyToJs(item, `${path}.${name}`)];
        }),
      );
    case 'enum':
      return pyToJs(value.value, path);
    case 'datetime':
      return value.text.replace(' ', 'T');
  }
}

/**
 * A JavaScript value (a default, a forward's output, a dendrite's input) as
 * the JSON Python would read, so {@link coercePython} checks it against its
 * field's type exactly as it checks a peer's JSON.
 *
 * @throws SynapseFieldError for what JSON cannot hold (a function, a symbol).
 */
export function jsToPyJson(value: unknown, path = '(value)'): PyJson {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return new PyNumber('NaN');
    if (!Number.isFinite(value)) return new PyNumber(value > 0 ? 'Infinity' : '-Infinity');
    // -0 must stay a float's -0.0, which "0" would lose.
    return new PyNumber(Object.is(value, -0) ? '-0.0' : String(value));
  }
  if (typeof value === 'bigint') return new PyNumber(value.toString());
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map((item, i) => jsToPyJson(item, `${path}[${i}]`));
  if (typeof value === 'object')
    return new Map(Object.entries(value).map(([k, v]) => [k, jsToPyJson(v, `${path}.${k}`)]));
  throw new SynapseFieldError(path, `a ${typeof value} is not JSON`);
}

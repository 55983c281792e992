import { SynapseFieldError } from './errors.js';
import type { PyValue } from './python-types.js';

/** Python's `str.isprintable()` is false for these categories (and every space but ' '). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** `float.__repr__`: the shortest digits that round-trip, positional for 1e-4 ≤ |x| < 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // JavaScript's shortest round-trip digits are Python's; only the layout differs.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  const sign = value < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

/** `str.__repr__`: quoted, escaped as CPython escapes. */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) {
      const code = char.codePointAt(0) as number;
      out +=
        code < 0x100
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : code < 0x10000
            ? `\\u${code.toString(16).padStart(4, '0')}`
            : `\\U${code.toString(16).padStart(8, '0')}`;
    } else out += char;
  }
  return out + quote;
}

/** `bytes.__repr__`: `b'…'`, printable ASCII as is, the rest `\xNN`. */
function bytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

/** `repr(value)`, as Python prints a value inside a container. */
export function pythonRepr(value: PyValue): string {
  switch (value.t) {
    case 'none':
      return 'None';
    case 'bool':
      return value.v ? 'True' : 'False';
    case 'int':
      return value.v.toString();
    case 'float':
      return pythonFloatRepr(value.v);
    case 'str':
      return pythonStrRepr(value.v);
    case 'bytes':
      return bytesRepr(value.v);
    case 'list':
      return `[${value.items.map(pythonRepr).join(', ')}]`;
    case 'tuple':
      return value.items.length === 1
        ? `(${pythonRepr(value.items[0] as PyValue)},)`
        : `(${value.items.map(pythonRepr).join(', ')})`;
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
    case 'enum':
      return `<${value.cls}.${value.member}: ${pythonRepr(value.value)}>`;
    case 'datetime':
      // pydantic's repr names its own TzInfo class; no synapse seen hashes a datetime in a container.
      throw new SynapseFieldError(
        '(value)',
        'a datetime inside a list, tuple or dict is not supported in a hashed field',
      );
  }
}

/**
 * `str(value)`, as `Synapse.body_hash` prints each hashed field: a string
 * raw, a `(str, Enum)` member as `Class.MEMBER`, an `IntEnum` member as its
 * number (Python 3.13), a datetime as `YYYY-MM-DD HH:MM:SS+00:00`, and
 * everything else as its `repr`.
 */
export function pythonStr(value: PyValue): string {
  switch (value.t) {
    case 'str':
      return value.v;
    case 'enum':
      return value.value.t === 'int' ? value.value.v.toString() : `${value.cls}.${value.member}`;
    case 'datetime':
      return value.text;
    default:
      return pythonRepr(value);
  }
}

/** How {@link pythonJsonDumps} lays JSON out: Python's two common forms. */
export interface PythonJsonDumpOptions {
  /**
   * `true`: `","` and `":"` with raw UTF-8, as FastAPI's `JSONResponse`
   * (the axon's answers). `false` (default): `", "` and `": "` with non-ASCII
   * escaped, as `json.dumps` (the dendrite's requests).
   */
  compact?: boolean;
}

/**
 * A value as Python's `json.dumps` writes it: floats by their `repr`
 * (`5.0`, `1e-05`, `NaN`), ints exact at any size, tuples as lists, enum
 * members by value, keys printed as Python prints them.
 *
 * @throws SynapseFieldError for `bytes` and `datetime`, which `json.dumps` refuses too.
 */
export function pythonJsonDumps(value: PyValue, options: PythonJsonDumpOptions = {}): string {
  const compact = options.compact ?? false;
  const comma = compact ? ',' : ', ';
  const colon = compact ? ':' : ': ';
  const text = (s: string) => {
    // JSON.stringify escapes what json.dumps escapes, with the same lowercase \u00XX.
    const json = JSON.stringify(s);
    return compact
      ? json
      : json.replace(
          /[\u0080-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
  };
  const dump = (v: PyValue): string => {
    switch (v.t) {
      case 'none':
        return 'null';
      case 'bool':
        return v.v ? 'true' : 'false';
      case 'int':
        return v.v.toString();
      case 'float':
        if (Number.isNaN(v.v)) return 'NaN';
        if (!Number.isFinite(v.v)) return v.v > 0 ? 'Infinity' : '-Infinity';
        return pythonFloatRepr(v.v);
      case 'str':
        return text(v.v);
      case 'list':
      case 'tuple':
        return `[${v.items.map(dump).join(comma)}]`;
      case 'dict':
        return `{${v.entries.map(([k, item]) => `${text(k.t === 'str' ? k.v : pythonStr(k))}${colon}${dump(item)}`).join(comma)}}`;
      case 'enum':
        return dump(v.value);
      case 'bytes':
      case 'datetime':
        throw new SynapseFieldError('(value)', `Python's json.dumps cannot write ${v.t}`);
    }
  };
  return dump(value);
}

import { SynapseFieldError } from './errors.js';

/**
 * A JSON number as its text: Python's `json` keeps `1` an int and `1.0` a
 * float, and an int of any size exact, so the lexeme decides what a field
 * becomes (`JSON.parse` loses all three).
 */
export class PyNumber {
  /** The number's text as sent, e.g. `12345678901234567890`, `1e-05`, `NaN`. */
  readonly lexeme: string;

  constructor(lexeme: string) {
    this.lexeme = lexeme;
  }

  /** Whether Python's `json` reads it as an `int` (no fraction, no exponent). */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.lexeme);
  }
}

/** JSON's one-character escapes. */
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A JSON value as Python's `json.loads` reads it; objects keep their keys' order. */
export type PyJson = null | boolean | string | PyNumber | PyJson[] | Map<string, PyJson>;

/** Options of {@link parsePythonJson}. */
export interface PythonJsonOptions {
  /** Deepest nesting read. Default 64. */
  maxDepth?: number;
}

/**
 * Parses JSON as Python's `json.loads` does: numbers keep their text
 * ({@link PyNumber}), `NaN`, `Infinity` and `-Infinity` are numbers, lone
 * surrogates in `\u` escapes are kept, a repeated key keeps its last value,
 * and object keys keep their order. Nesting past `maxDepth` is refused
 * before it is read further.
 *
 * @throws SynapseFieldError saying where the text is not JSON.
 */
export function parsePythonJson(text: string, options: PythonJsonOptions = {}): PyJson {
  const maxDepth = options.maxDepth ?? 64;
  let at = 0;
  const fail = (problem: string): never => {
    throw new SynapseFieldError('(body)', `${problem} at character ${at}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at += 1;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, at)) {
      at += word.length;
      return true;
    }
    return false;
  };

  const number = (): PyNumber => {
    if (literal('NaN')) return new PyNumber('NaN');
    if (literal('Infinity')) return new PyNumber('Infinity');
    if (literal('-Infinity')) return new PyNumber('-Infinity');
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 4096));
    if (!match) return fail('expected a value');
    at += match[0].length;
    return new PyNumber(match[0]);
  };

  // Where a string's plain run ends: its quote, an escape or a control character
  // (which JSON, and Python's strict json.loads, refuse raw inside a string).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON's grammar names exactly these.
  const stop = /["\\\u0000-\u001f]/g;
  const string = (): string => {
    at += 1; // the opening quote
    let out = '';
    for (;;) {
      stop.lastIndex = at;
      const found = stop.exec(text);
      if (!found) return fail('unterminated string');
      out += text.slice(at, found.index);
      at = found.index;
      const char = text[at];
      if (char === '"') {
        at += 1;
        return out;
      }
      if (char !== '\\') return fail('a control character inside a string');
      const escaped = text[at + 1];
      at += 2;
      if (escaped !== undefined && Object.hasOwn(ESCAPES, escaped)) out += ESCAPES[escaped];
      else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))) {
        out += String.fromCharCode(Number.parseInt(text.slice(at, at + 4), 16));
        at += 4;
      } else fail('a bad escape');
    }
  };

  const value = (depth: number): PyJson => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth}`);
    space();
    const char = text[at];
    if (char === '{') {
      at += 1;
      const object = new Map<string, PyJson>();
      space();
      if (text[at] === '}') {
        at += 1;
        return object;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail('expected a key');
        const key = string();
        space();
        if (text[at] !== ':') fail("expected ':'");
        at += 1;
        // Python keeps the last of repeated keys, in the place of the first.
        object.set(key, value(depth + 1));
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] === '}') {
          at += 1;
          return object;
        } else fail("expected ',' or '}'");
      }
    }
    if (char === '[') {
      at += 1;
      const list: PyJson[] = [];
      space();
      if (text[at] === ']') {
        at += 1;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] === ']') {
          at += 1;
          return list;
        } else fail("expected ',' or ']'");
      }
    }
    if (char === '"') return string();
    if (literal('true')) return true;
    if (literal('false')) return false;
    if (literal('null')) return null;
    return number();
  };

  const result = value(1);
  space();
  if (at !== text.length) fail('unexpected text after the value');
  return result;
}

import { type PyType, py } from '../python-types.js';

/**
 * Reads the short Python type expressions of the golden vectors
 * (`List[Optional[float]]`, `Inner(a:int,b:str)`, `Color(str, Enum){RED='red'}`)
 * into the `py` builders a subnet would write by hand.
 */
export function typeFromExpression(expression: string): PyType {
  const classes = new Map<string, PyType>();
  let at = 0;
  const text = expression.replace(/\s+/g, '');
  const name = () => {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at));
    if (!match) throw new Error(`expected a name at ${at} in ${expression}`);
    at += match[0].length;
    return match[0];
  };
  const expect = (char: string) => {
    if (text[at] !== char) throw new Error(`expected ${char} at ${at} in ${expression}`);
    at += 1;
  };
  const list = (end: string, item: () => PyType | string | number) => {
    const items: (PyType | string | number)[] = [];
    while (text[at] !== end) {
      items.push(item());
      if (text[at] === ',') at += 1;
    }
    at += 1;
    return items;
  };
  const literalValue = (): string | number => {
    const match = /^'([^']*)'|^-?\d+/.exec(text.slice(at));
    if (!match) throw new Error(`expected a literal at ${at} in ${expression}`);
    at += match[0].length;
    return match[1] ?? Number(match[0]);
  };
  const type = (): PyType => {
    const word = name();
    const simple: Record<string, PyType> = {
      str: py.str,
      int: py.int,
      float: py.float,
      bool: py.bool,
      bytes: py.bytes,
      datetime: py.datetime,
      dict: py.any,
      Any: py.any,
    };
    if (text[at] === '[') {
      at += 1;
      if (word === 'Literal')
        return py.literal(...(list(']', literalValue) as (string | number)[]));
      const args = list(']', type) as PyType[];
      if (word === 'List') return py.list(args[0] as PyType);
      if (word === 'Dict') return py.dict(args[0] as PyType, args[1] as PyType);
      if (word === 'Tuple') return py.tuple(...args);
      if (word === 'Optional') return py.optional(args[0] as PyType);
      if (word === 'Union') return py.union(...args);
      throw new Error(`unknown generic ${word}`);
    }
    if (text[at] === '(') {
      at += 1;
      if (text.startsWith('str,Enum)', at) || text.startsWith('IntEnum)', at)) {
        const base = text.startsWith('str', at) ? 'str' : 'int';
        at = text.indexOf(')', at) + 1;
        expect('{');
        const members: Record<string, string | number> = {};
        while (text[at] !== '}') {
          const member = name();
          expect('=');
          members[member] = literalValue();
          if (text[at] === ',') at += 1;
        }
        at += 1;
        const made =
          base === 'str'
            ? py.strEnum(word, members as Record<string, string>)
            : py.intEnum(word, members as Record<string, number>);
        classes.set(word, made);
        return made;
      }
      const fields: Record<string, PyType> = {};
      while (text[at] !== ')') {
        const field = name();
        expect(':');
        fields[field] = type();
        if (text[at] === ',') at += 1;
      }
      at += 1;
      const made = py.model(word, fields);
      classes.set(word, made);
      return made;
    }
    if (word in simple) return simple[word] as PyType;
    if (word === 'Inner') return py.model('Inner', { a: py.int, b: py.str });
    const known = classes.get(word);
    if (!known) throw new Error(`unknown type ${word} in ${expression}`);
    return known;
  };
  const result = type();
  if (at !== text.length) throw new Error(`unexpected ${text.slice(at)} in ${expression}`);
  return result;
}

import { describe, expect, it } from 'vitest';
import { SynapseFieldError } from './errors.js';
import { PyNumber, parsePythonJson } from './python-json.js';
import { pythonFloatRepr, pythonStr } from './python-str.js';
import { coercePython, py } from './python-types.js';
import { defineSynapse } from './synapse.js';
import vectors from './test-support/body-hash-vectors.json' with { type: 'json' };
import { typeFromExpression } from './test-support/python-type-expression.js';
import { Echo } from './test-support/wire-vectors.js';

// Measured from the real bittensor v10.2.0 Synapse: JSON in, Python str() hashed, hash out.

interface Field {
  name: string;
  python_type: string;
  json: string;
  hashed_str: string;
  field_hash: string;
}
interface Case {
  id: string;
  required_hash_fields: string[];
  legacy_pydantic_field?: boolean;
  fields: Field[];
  hash_order_used: string[];
  body_hash: string;
}

const cases = vectors.cases as Case[];

describe('Synapse.body_hash, byte-exact with bittensor v10.2.0', () => {
  it('has all 67 measured cases', () => {
    expect(cases).toHaveLength(67);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, vector) => {
    for (const field of vector.fields) {
      const value = coercePython(
        typeFromExpression(field.python_type),
        parsePythonJson(field.json),
      );
      expect(
        pythonStr(value),
        `${field.name}: ${field.python_type} = ${field.json.slice(0, 80)}`,
      ).toBe(field.hashed_str);
    }
    const synapse = defineSynapse({
      name: vector.id,
      fields: Object.fromEntries(
        vector.fields.map((f) => [f.name, typeFromExpression(f.python_type)]),
      ),
      requiredHashFields: vector.required_hash_fields,
      ...(vector.legacy_pydantic_field ? { hashOrder: 'fields' as const } : {}),
    });
    expect(synapse.hashFields).toEqual(vector.hash_order_used);
    const body = `{${vector.fields.map((f) => `${JSON.stringify(f.name)}: ${f.json}`).join(', ')}}`;
    expect(synapse.bodyHash(body)).toBe(vector.body_hash);
  });

  it('hashes nothing for a synapse without hash fields, as Python does', () => {
    const none = defineSynapse({ name: 'NoHash', fields: { query: py.str } });
    expect(none.bodyHash('{"query": "anything"}')).toBe(vectors.empty_body_hash);
  });
});

describe('reading a hostile body', () => {
  const refusal = (body: string) => {
    try {
      Echo.bodyHash(body);
    } catch (error) {
      if (SynapseFieldError.isInstance(error)) return { path: error.path, message: error.message };
      throw error;
    }
    return undefined;
  };

  it('fills in defaults', () => {
    const values = Echo.read('{"text": "hi"}');
    expect(pythonStr(values.get('xs') as never)).toBe('[]');
    expect(pythonStr(values.get('out') as never)).toBe('None');
  });

  it('refuses a missing field or a wrong type, naming the path', () => {
    expect(refusal('{"xs": [1]}')).toMatchObject({ path: 'text' });
    expect(refusal('{"text": "hi", "xs": "nope"}')).toMatchObject({ path: 'xs' });
    expect(refusal('{"text": "hi", "xs": [1, "x"]}')).toMatchObject({ path: 'xs[1]' });
    expect(refusal('{"text": "hi", "meta": {"k": 1.5}}')?.message).toMatch(
      /meta\.k: expected an int/,
    );
    expect(refusal('{"text": 5}')?.message).toMatch(/expected a string, got the number 5/);
  });

  it('refuses JSON nested past the limit in one pass, rather than overflowing the stack', () => {
    const deep = `{"text": "x", "xs": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(refusal(deep)?.message).toMatch(/nesting deeper than 64/);
  });

  it('refuses what is not JSON, and a number too long to be one', () => {
    expect(refusal('{"text": "x",}')?.path).toBe('(body)');
    expect(refusal(`{"text": "x", "meta": {"k": ${'9'.repeat(5_000)}}}`)?.path).toBe('(body)');
    expect(refusal('[1, 2]')?.message).toMatch(/must be a JSON object/);
  });
});

describe('Python number and text rules', () => {
  it.each([
    [1, '1.0'],
    [-1.5, '-1.5'],
    [1e-7, '1e-07'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [0.0001, '0.0001'],
    [0.00012345, '0.00012345'],
    [123e-20, '1.23e-18'],
    [2 ** 70, '1.1805916207174113e+21'],
  ])('repr(%d) is %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });

  it('keeps an int exact and a float a float, by the lexeme', () => {
    const json = parsePythonJson('[1, 1.0, 12345678901234567890, NaN, -Infinity]');
    expect(json).toEqual([
      new PyNumber('1'),
      new PyNumber('1.0'),
      new PyNumber('12345678901234567890'),
      new PyNumber('NaN'),
      new PyNumber('-Infinity'),
    ]);
    expect(pythonStr(coercePython(py.any, json))).toBe('[1, 1.0, 12345678901234567890, nan, -inf]');
  });
});

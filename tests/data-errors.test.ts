// Malformed data, table-driven: every message names the variable, its declaration line, what the
// declaration expects and what the data holds. Expected texts are written by hand from the
// models below (line numbers counted in the source), not taken from the code's output.
import { compile, Model } from '../src/model/compile.js';
import { findJsonProblem } from '../src/runtime/json-error.js';

// Line numbers matter: the messages cite them.
const SHAPES = `data {
  int<lower=0> N;
  real x;
  real<lower=0, upper=1> p;
  vector[N] v;
  matrix[N, 2] M;
  array[N] vector[2] av;
  simplex[3] s;
  cov_matrix[2] S;
  array[N] int<lower=0> k;
  ordered[2] o;
}
parameters {
  real mu;
}
model {
  mu ~ normal(x, 1);
}
generated quantities {
  real x_read = x;
  real p_read = p;
}
`;

const SIZES = `data {
  int<lower=1> K;
  int<lower=0> N;
  array[N] int<lower=1, upper=K> g;
  matrix[N, K + 1] X;
  corr_matrix[K] R;
  array[N, 2] real z;
  positive_ordered[K] c;
  unit_vector[K] u;
  int J;
  vector[J] w;
}
parameters {
  real mu;
}
model {
  mu ~ normal(0, 1);
}
`;

const GOOD_SHAPES = {
  N: 2, x: 1.5, p: 0.5, v: [1, 2], M: [[1, 2], [3, 4]], av: [[1, 2], [3, 4]], s: [0.2, 0.3, 0.5],
  S: [[1, 0.5], [0.5, 2]], k: [0, 3], o: [1, 2],
};
const GOOD_SIZES = {
  K: 2, N: 3, g: [1, 2, 2], X: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], R: [[1, 0.3], [0.3, 1]],
  z: [[1, 2], [3, 4], [5, 6]], c: [0.5, 2], u: [0.6, 0.8], J: 1, w: [7],
};

let shapes: Model;
let sizes: Model;
beforeAll(() => {
  shapes = compile(SHAPES, { filename: 'shapes.hstan' });
  sizes = compile(SIZES, { filename: 'sizes.hstan' });
});

interface Case {
  what: string;
  model: () => Model;
  /** The data: an object (changes to the good data; undefined deletes) or raw JSON text. */
  data: Record<string, unknown> | string;
  /** Every one of these must appear in the message. */
  expect: string[];
}

const withShapes = (change: Record<string, unknown>) => ({ ...GOOD_SHAPES, ...change });
const withSizes = (change: Record<string, unknown>) => ({ ...GOOD_SIZES, ...change });
const shapesModel = () => shapes;
const sizesModel = () => sizes;

const cases: Case[] = [
  // Missing variables.
  { what: 'missing real', model: shapesModel, data: withShapes({ x: undefined }), expect: ["'x'", 'line 3', 'missing', 'expected real'] },
  { what: 'missing container', model: shapesModel, data: withShapes({ av: undefined }), expect: ["'av'", 'line 7', 'missing', 'array[N] vector[2] with N = 2'] },
  { what: 'missing size variable', model: sizesModel, data: withSizes({ K: undefined }), expect: ["'K'", 'line 2', 'missing', 'expected int'] },
  // Wrong number of dimensions.
  { what: 'vector given a matrix', model: shapesModel, data: withShapes({ v: [[1, 2]] }), expect: ["'v'", 'line 5', 'vector[N] with N = 2', 'nested arrays of sizes [1, 2]'] },
  { what: 'matrix given a flat array', model: shapesModel, data: withShapes({ M: [1, 2, 3, 4] }), expect: ["'M'", 'line 6', 'matrix[N, 2] with N = 2', 'nested 2 deep', 'an array of 4 elements'] },
  { what: 'vector given a scalar', model: shapesModel, data: withShapes({ v: 1 }), expect: ["'v'", 'line 5', 'vector[N]', 'the number 1'] },
  { what: 'real given an array', model: shapesModel, data: withShapes({ x: [1.5] }), expect: ["'x'", 'line 3', 'expected real', 'an array of 1 element'] },
  { what: '2-d array given 3-d', model: sizesModel, data: withSizes({ z: [[[1], [2]], [[3], [4]], [[5], [6]]] }), expect: ["'z'", 'line 7', 'array[N, 2] real with N = 3', 'sizes [3, 2, 1]'] },
  // Wrong sizes: the expected size and the size expression's value.
  { what: 'vector too long', model: shapesModel, data: withShapes({ v: [1, 2, 3] }), expect: ["'v'", 'line 5', 'an array of 3 elements', 'N = 2'] },
  { what: 'matrix row too long', model: shapesModel, data: withShapes({ M: [[1, 2, 3], [4, 5, 6]] }), expect: ["'M'", 'line 6', 'M[1]', '3 elements', 'not 2'] },
  { what: 'size expression K + 1', model: sizesModel, data: withSizes({ X: [[1, 2], [4, 5], [7, 8]] }), expect: ["'X'", 'line 5', 'matrix[N, K + 1]', 'X[1] with 2 elements', 'K + 1 = 3'] },
  { what: 'square matrix of the wrong size', model: sizesModel, data: withSizes({ R: [[1]] }), expect: ["'R'", 'line 6', 'corr_matrix[K] with K = 2', 'sizes [1, 1]', 'not K = 2'] },
  { what: 'ragged array of vectors', model: shapesModel, data: withShapes({ av: [[1, 2], [3]] }), expect: ["'av'", 'line 7', 'av[2] with 1 element', 'not 2'] },
  { what: 'ragged 2-d array', model: sizesModel, data: withSizes({ z: [[1, 2], [3, 4, 5], [6, 7]] }), expect: ["'z'", 'line 7', 'z[2] with 3 elements', 'not 2'] },
  { what: 'negative size from data', model: sizesModel, data: withSizes({ J: -1, w: [] }), expect: ["'w'", 'line 11', 'vector[J]', 'J = -1', 'not a non-negative integer'] },
  // Not numbers.
  { what: 'null', model: shapesModel, data: withShapes({ x: null }), expect: ["'x'", 'line 3', 'expected real', 'found null'] },
  { what: 'string for a real', model: shapesModel, data: withShapes({ x: 'hello' }), expect: ["'x'", 'line 3', 'expected real', 'the string "hello"'] },
  { what: 'string inside a vector', model: shapesModel, data: withShapes({ v: [1, 'a'] }), expect: ["'v'", 'line 5', 'the string "a"', 'v[2]'] },
  { what: 'number as a string for an int', model: shapesModel, data: withShapes({ k: [0, '3'] }), expect: ["'k'", 'line 10', 'array[N] int', 'the string "3"', 'k[2]'] },
  { what: 'object for a vector', model: shapesModel, data: withShapes({ v: { a: 1 } }), expect: ["'v'", 'line 5', 'vector[N]', 'an object'] },
  { what: 'boolean', model: shapesModel, data: withShapes({ x: true }), expect: ["'x'", 'line 3', 'expected real', 'the boolean true'] },
  // Integers.
  { what: 'non-integer in an int array', model: shapesModel, data: withShapes({ k: [0, 1.5] }), expect: ["'k'", 'line 10', 'int', 'k[2] = 1.5', 'not an integer'] },
  { what: 'non-integer size', model: shapesModel, data: withShapes({ N: 2.5 }), expect: ["'N'", 'line 2', 'expected int', 'N = 2.5', 'not an integer'] },
  { what: 'NaN for an int', model: sizesModel, data: withSizes({ J: 'NaN' }), expect: ["'J'", 'line 10', 'J = NaN', 'not an integer'] },
  { what: 'int out of 32-bit range', model: sizesModel, data: withSizes({ g: [1, 2, 3e9] }), expect: ["'g'", 'line 4', 'g[3] = 3000000000', "int range"] },
  // Constraints.
  { what: 'lower bound', model: shapesModel, data: withShapes({ N: -1 }), expect: ["'N'", 'line 2', 'N = -1', '≥ 0'] },
  { what: 'upper bound', model: shapesModel, data: withShapes({ p: 1.5 }), expect: ["'p'", 'line 4', 'p = 1.5', '≤ 1'] },
  { what: 'inf beyond an upper bound', model: shapesModel, data: withShapes({ p: 'inf' }), expect: ["'p'", 'line 4', 'p = Infinity', '≤ 1'] },
  { what: 'NaN in a bounded real', model: shapesModel, data: withShapes({ p: 'NaN' }), expect: ["'p'", 'line 4', 'p = NaN', '≥ 0'] },
  { what: 'bound from earlier data', model: sizesModel, data: withSizes({ g: [1, 3, 2] }), expect: ["'g'", 'line 4', 'g[2] = 3', '≤ 2'] },
  { what: 'simplex sum', model: shapesModel, data: withShapes({ s: [0.2, 0.3, 0.6] }), expect: ["'s'", 'line 8', 'simplex', 'sum to 1.1'] },
  { what: 'simplex negative', model: shapesModel, data: withShapes({ s: [-0.5, 0.5, 1] }), expect: ["'s'", 'line 8', 'simplex', '-0.5', 'negative'] },
  { what: 'ordered', model: shapesModel, data: withShapes({ o: [2, 1] }), expect: ["'o'", 'line 11', 'ordered', 'element 2 (1)', 'element 1 (2)'] },
  { what: 'positive_ordered', model: sizesModel, data: withSizes({ c: [-1, 2] }), expect: ["'c'", 'line 8', 'positive_ordered', 'not positive'] },
  { what: 'unit_vector', model: sizesModel, data: withSizes({ u: [1, 1] }), expect: ["'u'", 'line 9', 'unit_vector', 'squared norm is 2'] },
  { what: 'cov_matrix not positive definite', model: shapesModel, data: withShapes({ S: [[1, 2], [2, 1]] }), expect: ["'S'", 'line 9', 'cov_matrix', 'not positive definite'] },
  { what: 'cov_matrix not symmetric', model: shapesModel, data: withShapes({ S: [[1, 0.5], [0.4, 1]] }), expect: ["'S'", 'line 9', 'cov_matrix', 'not symmetric'] },
  { what: 'corr_matrix diagonal', model: sizesModel, data: withSizes({ R: [[2, 0.3], [0.3, 1]] }), expect: ["'R'", 'line 6', 'corr_matrix', 'diagonal element 1 is 2'] },
  // The file as a whole.
  { what: 'not valid JSON', model: shapesModel, data: '{\n  "N": 2,\n  "x": 1.5,\n}', expect: ['not valid JSON', 'data:4:1'] },
  { what: 'doubled comma (no position from JSON.parse)', model: shapesModel, data: '{"v": [1, 2,, 3]}', expect: ['data:1:13', 'not valid JSON', "expected a value, found ','"] },
  { what: 'bare inf', model: shapesModel, data: '{\n  "x": inf\n}', expect: ['data:2:8', 'inf must be quoted', '"inf"'] },
  { what: 'unterminated string', model: shapesModel, data: '{"x": "abc}', expect: ['data:1:7', 'unterminated string'] },
  { what: 'single-quoted names', model: shapesModel, data: "{'x': 1}", expect: ['data:1:2', 'quoted property name', "found '''"] },
  { what: 'text after the object', model: shapesModel, data: '{"x": 1}\n{"y": 2}', expect: ['data:2:1', "unexpected '{' after the end"] },
  { what: 'empty file', model: shapesModel, data: '', expect: ['data:1:1', 'found the end of the file'] },
  { what: 'top level an array', model: shapesModel, data: '[1, 2]', expect: ['must be a JSON object', 'found an array of 2 elements'] },
  { what: 'top level null', model: shapesModel, data: 'null', expect: ['must be a JSON object', 'found null'] },
  { what: 'top level a number', model: shapesModel, data: '3', expect: ['must be a JSON object', 'found the number 3'] },
];

function dataOf(c: Case): Record<string, unknown> | string {
  // Drop `undefined` entries, as a JSON file would not have them.
  return typeof c.data === 'string' ? c.data : JSON.parse(JSON.stringify(c.data));
}

describe('malformed data', () => {
  test('the table covers at least 20 malformed files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test('the good data is accepted (so each case fails for its own change)', () => {
    expect(() => shapes.instantiate(GOOD_SHAPES)).not.toThrow();
    expect(() => sizes.instantiate(GOOD_SIZES)).not.toThrow();
  });

  test.each(cases.map((c) => [c.what, c] as const))('%s', (_what, c) => {
    let message: string | null = null;
    let name = '';
    try {
      c.model().instantiate(dataOf(c));
    } catch (e) {
      message = (e as Error).message;
      name = (e as Error).name;
    }
    if (message === null) throw new Error(`accepted: ${JSON.stringify(c.data)}`);
    expect(name).toBe('DataError');
    for (const part of c.expect) {
      if (!message.includes(part)) throw new Error(`message lacks ${JSON.stringify(part)}:\n  ${message}`);
    }
    // One line, no stack or internals.
    expect(message).not.toMatch(/\n|\bat .*\.(js|ts):\d+|undefined/);
  });
});

describe('data that is accepted', () => {
  function readBack(change: Record<string, unknown>): { x: number; p: number } {
    const inst = shapes.instantiate(JSON.parse(JSON.stringify(withShapes(change))));
    const values = inst.constrain([0]);
    return { x: values.x_read as number, p: values.p_read as number };
  }

  test('"inf", "-inf" and "NaN" strings read as non-finite reals', () => {
    expect(readBack({ x: 'inf' }).x).toBe(Infinity);
    expect(readBack({ x: '-inf' }).x).toBe(-Infinity);
    expect(readBack({ x: 'Infinity' }).x).toBe(Infinity);
    expect(readBack({ x: 'NaN' }).x).toBeNaN();
  });

  test('bounds include their end points', () => {
    expect(readBack({ p: 0 }).p).toBe(0);
    expect(readBack({ p: 1 }).p).toBe(1);
  });

  test('a non-finite value in an unbounded vector is accepted', () => {
    expect(() => shapes.instantiate(withShapes({ v: ['inf', '-inf'] }))).not.toThrow();
  });

  test('zero sizes take empty arrays', () => {
    expect(() => shapes.instantiate(withShapes({ N: 0, v: [], M: [], av: [], k: [] }))).not.toThrow();
  });

  test('extra variables give a note naming them, not an error', () => {
    const inst = shapes.instantiate(withShapes({ zz: 1, extra_thing: [1, 2] }));
    expect(inst.notes).toHaveLength(1);
    expect(inst.notes[0]).toContain('zz');
    expect(inst.notes[0]).toContain('extra_thing');
    expect(inst.notes[0]).toMatch(/ignored/);
    expect(shapes.instantiate(GOOD_SHAPES).notes).toEqual([]);
  });

  test('data given as JSON text reads the same as the object', () => {
    const text = JSON.stringify(withShapes({ x: -2.25 }));
    expect(shapes.instantiate(text).constrain([0]).x_read).toBe(-2.25);
  });
});

describe('locating JSON syntax errors', () => {
  // JSON.parse is the oracle for validity; the locator must agree on every text.
  const texts = [
    '{}', '[]', '""', '0', '-0', '1.5e-3', '-1E+2', 'true', 'null', ' {"a": [1, {"b": null}], "c": "\\u00e9\\n"} ',
    '{', '}', '[1,]', '{"a":1,}', '{"a" 1}', '{a: 1}', '01', '1.', '.5', '-', '+1', '1e', '"\\x"', '"\\u12"', '"a\tb"',
    '[1 2]', 'nul', 'NaN', '{"a": Infinity}', '"abc', '[', '{"a": [1, 2]]', '\u00a0{}', '{"a":1}{}', '[1, 2,, 3]',
  ];
  test.each(texts.map((t) => [JSON.stringify(t), t] as const))('%s', (_label, t) => {
    let valid = true;
    try {
      JSON.parse(t);
    } catch {
      valid = false;
    }
    const problem = findJsonProblem(t);
    expect(problem === null).toBe(valid);
    if (problem) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeLessThanOrEqual(t.length + 1);
    }
  });

  test('a byte-order mark before the object is accepted', () => {
    expect(shapes.instantiate('\ufeff' + JSON.stringify(GOOD_SHAPES)).notes).toEqual([]);
  });
});

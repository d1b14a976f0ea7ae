// Generated code never splices program text unescaped: identifiers that are JavaScript keywords
// or runtime names behave as plain Stan variables, and strings built to break out of a JS string
// literal or comment print literally and run nothing.
import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile, bindLowered, CompileError } from '../src/model/compile.js';
import { moduleText, loadCompiledModel } from '../src/model/module.js';
import { varName, funName, str, num } from '../src/lower/emit.js';
import * as $ from '../src/runtime/api.js';
import { Tensor } from '../src/runtime/tensor.js';
import type { ModelInstance } from '../src/model/instance.js';
import { fdGradient, maxRelError } from './helpers/fd.js';

type Sentinel = { hstanPwned?: unknown };
const sentinel = globalThis as Sentinel;

let exitSpy: ReturnType<typeof jest.spyOn>;
beforeEach(() => {
  delete sentinel.hstanPwned;
  exitSpy = jest.spyOn(process, 'exit').mockImplementation((() => {
    throw new Error('generated code called process.exit');
  }) as never);
});
afterEach(() => {
  exitSpy.mockRestore();
  $.setPrinting(true, null);
  expect(sentinel.hstanPwned).toBeUndefined();
});

/** Run `fn` with the runtime's print output collected. */
function printed(fn: () => void): string[] {
  const out: string[] = [];
  $.setPrinting(true, out);
  try {
    fn();
  } finally {
    $.setPrinting(true, null);
  }
  return out;
}

describe('identifiers that mean something in JavaScript', () => {
  // Functions, data, transformed data, parameters, TP, model locals and GQ named after JS
  // keywords, globals, Object.prototype members and the lowering's own prefixes (v_, f_).
  const SOURCE = `functions {
  real constructor(real eval, real process) { return eval * process; }
  real toString(real x) { return 2 * x; }
}
data {
  int<lower=0> undefined;
  vector[undefined] arguments;
  real x;
  real v_x;
}
transformed data {
  real NaN = 0.5;
  real Infinity = x + v_x;
}
parameters {
  real eval;
  real<lower=0> process;
}
transformed parameters {
  real this = constructor(eval, 2.0);
}
model {
  real let = toString(NaN);
  target += normal_lpdf(eval | Infinity, let);
  target += exponential_lpdf(process | 1);
  target += normal_lpdf(arguments | this, process);
}
generated quantities {
  real globalThis = eval + v_x;
  real f_x = x;
  real hasOwnProperty = this;
  real prototype = v_x;
}
`;
  const data = { undefined: 3, arguments: [0.5, -1, 2], x: 1, v_x: 0.25 };
  const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  const normal = (y: number, m: number, s: number) => -LOG_SQRT_2PI - Math.log(s) - 0.5 * ((y - m) / s) ** 2;

  /** The log density by hand: Infinity = x + v_x, let = 2 * NaN = 1, this = 2 eval, process = exp(u2). */
  function closedForm(u: number[]): number {
    const [ev, u2] = u;
    const proc = Math.exp(u2);
    let lp = normal(ev, data.x + data.v_x, 1) - proc + u2;
    for (const a of data.arguments) lp += normal(a, 2 * ev, proc);
    return lp;
  }

  test('the log density and gradient are the closed form', () => {
    const inst = compile(SOURCE, { filename: 'keywords.hstan' }).instantiate(data);
    expect(inst.dimension).toBe(2);
    for (const u of [[0.3, -0.2], [-1.1, 0.7], [2, 0]]) {
      const { logDensity, gradient } = inst.logDensityAndGradient(u);
      expect(logDensity).toBeCloseTo(closedForm(u), 12);
      const fd = fdGradient((p) => closedForm(Array.from(p)), u);
      expect(maxRelError(gradient, fd)).toBeLessThan(1e-6);
    }
  });

  test('constrained outputs keep their Stan names and values', () => {
    const inst = compile(SOURCE, { filename: 'keywords.hstan' }).instantiate(data);
    const values = inst.constrain([0.3, -0.2]);
    expect(Object.keys(values)).toEqual(['eval', 'process', 'this', 'globalThis', 'f_x', 'hasOwnProperty', 'prototype']);
    expect(values.eval).toBe(0.3);
    expect(values.process).toBeCloseTo(Math.exp(-0.2), 15);
    expect(values.this).toBeCloseTo(0.6, 15);
    expect(values.globalThis).toBeCloseTo(0.55, 15);
    expect(values.f_x).toBe(1);
    expect(values.prototype).toBe(0.25);
    expect(inst.columnNames).toEqual(['eval', 'process', 'this', 'globalThis', 'f_x', 'hasOwnProperty', 'prototype']);
    // The program's names did not leak into the real globals.
    expect(typeof globalThis.process.exit).toBe('function');
    expect(Number.isNaN(NaN)).toBe(true);
  });

  test('v_x and x, f_x and a function, are distinct', () => {
    const src = `functions { real x(real v_x) { return v_x + 1; } }
data { real v_x; real f_x; }
parameters { real mu; }
model { target += -0.5 * (mu - x(v_x) - f_x)^2; }
generated quantities { real v_v_x = v_x; real x_ = x(f_x); }`;
    const inst = compile(src, { filename: 'prefix.hstan' }).instantiate({ v_x: 2, f_x: 10 });
    // Maximum at mu = (v_x + 1) + f_x = 13.
    expect(inst.logDensity([13])).toBe(0);
    expect(inst.logDensity([12])).toBeCloseTo(-0.5, 15);
    const values = inst.constrain([0]);
    expect(values.v_v_x).toBe(2);
    expect(values.x_).toBe(11);
  });

  test('names JS cannot use as variables compile (let, new, class, await, yield, arguments, eval)', () => {
    const names = ['let', 'new', 'class', 'await', 'yield', 'arguments', 'eval', 'delete', 'typeof', 'with', 'debugger', 'function'];
    const decls = names.map((n) => `  real ${n};`).join('\n');
    const sum = names.join(' + ');
    const src = `data {\n${decls}\n}\nparameters { real mu; }\nmodel { target += -0.5 * (mu - (${sum}))^2; }\n`;
    const values = Object.fromEntries(names.map((n, i) => [n, i + 1]));
    const inst = compile(src, { filename: 'js-words.hstan' }).instantiate(values);
    const total = (names.length * (names.length + 1)) / 2;
    expect(inst.logDensity([total])).toBe(0);
    expect(inst.logDensity([total + 2])).toBe(-2);
  });

  test('names that are not Stan identifiers are rejected by the compiler', () => {
    for (const bad of ['__proto__', 'x__', '_x']) {
      expect(() => compile(`data { real ${bad}; } parameters { real mu; } model { mu ~ normal(0, 1); }`)).toThrow(CompileError);
    }
  });
});

describe('strings in print and reject', () => {
  // Stan strings have no escapes and cannot hold '"' or a newline; everything else is literal.
  const tricky = [
    "it's",
    'ends with a backslash \\',
    '${globalThis.hstanPwned = 1}',
    '`${globalThis.hstanPwned = 2}`',
    '*/ globalThis.hstanPwned = 3; /*',
    '</script><script>globalThis.hstanPwned = 4</script>',
    'line\u2028separator\u2029paragraph',
    'not a newline: \\n, not A: \\u0041, not a tab: \\t',
    "'); globalThis.hstanPwned = 5; ('",
    '%s %d %% {0}',
    'tab\there, emoji 😀',
  ];

  const program = (s: string) => `transformed data {
  print("TD|", "${s}");
}
parameters {
  real mu;
}
transformed parameters {
  print("TP|", "${s}");
}
model {
  print("M|", "${s}");
  if (mu > 1) reject("R|", "${s}");
  mu ~ normal(0, 1);
}
generated quantities {
  print("GQ|", "${s}");
}
`;

  test.each(tricky.map((s) => [JSON.stringify(s), s] as const))('%s prints literally in every block', (_label, s) => {
    const model = compile(program(s), { filename: 'strings.hstan' });
    expect(printed(() => model.instantiate({}))).toEqual([`TD|${s}`]);
    let inst!: ModelInstance;
    printed(() => {
      inst = model.instantiate({});
    });
    // Transformed parameters and generated quantities run for each draw.
    expect(printed(() => inst.constrain([0.5]))).toEqual([`TP|${s}`, `GQ|${s}`]);
    // The model block, through the lowered code itself (the sampler silences printing).
    let lowered!: ReturnType<ReturnType<typeof bindLowered>>;
    expect(printed(() => {
      lowered = bindLowered(model.code)({});
    })).toEqual([`TD|${s}`]);
    expect(printed(() => lowered.logDensity(new Tensor([1], Float64Array.of(0.5), false), true))).toEqual([`TP|${s}`, `M|${s}`]);
    // reject(): the point is rejected with exactly the program's text.
    expect(inst.logDensity([2])).toBe(-Infinity);
    expect(inst.lastRejection).toBe(`R|${s}`);
    expect(Number.isFinite(inst.logDensity([0.5]))).toBe(true);
  });

  test('a print built to break out of a double-quoted JS string stays a string', () => {
    // Two Stan strings: `abc\` and `); globalThis.hstanPwned = 6; //`. Spliced raw, the backslash
    // would escape the closing quote and the second string would run as code.
    const src = `parameters { real mu; }
model { mu ~ normal(0, 1); }
generated quantities { print("abc\\", "); globalThis.hstanPwned = 6; process.exit(1); //"); }
`;
    const inst = compile(src, { filename: 'breakout.hstan' }).instantiate({});
    expect(printed(() => inst.constrain([0]))).toEqual(['abc\\); globalThis.hstanPwned = 6; process.exit(1); //']);
  });

  test('code outside a string is a syntax error, not code', () => {
    const src = `parameters { real mu; }
model { print(""); process.exit(1); (""); mu ~ normal(0, 1); }
`;
    expect(() => compile(src, { filename: 'outside.hstan' })).toThrow(CompileError);
  });

  test('a U+2028 in a comment does not end the comment in a compiled module', async () => {
    // Stan's comment runs to the newline; JavaScript also ends lines at U+2028 and U+2029.
    const src = `// header\u2028globalThis.hstanPwned = 7;
parameters { real mu; } // trailing\u2029globalThis.hstanPwned = 8;
model { mu ~ normal(0, 1); } /* block\u2028globalThis.hstanPwned = 9; */
`;
    const model = compile(src, { filename: 'comment.hstan' });
    const dir = mkdtempSync(join(tmpdir(), 'hstan-escape-'));
    try {
      const file = join(dir, 'comment.mjs');
      writeFileSync(file, moduleText(model, { blocks: model.blockSizes }, src));
      const loaded = loadCompiledModel(await import(pathToFileURL(file).href));
      const inst = loaded.instantiate({});
      expect(inst.logDensity([1]) - inst.logDensity([0])).toBeCloseTo(-0.5, 15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('profile names are encoded too', () => {
    const src = `parameters { real mu; }
model { profile("*/ \u2028 globalThis.hstanPwned = 10; //") { mu ~ normal(0, 1); } }
`;
    const inst = compile(src, { filename: 'profile.hstan' }).instantiate({});
    expect(inst.logDensity([1]) - inst.logDensity([0])).toBeCloseTo(-0.5, 15);
  });
});

describe('emit.ts encoders', () => {
  test('varName and funName reject anything but Stan identifiers', () => {
    for (const bad of ['', '1x', '_x', 'a-b', 'a b', 'x; process.exit(1)', '$', 'a$', '__proto__', 'x\u2028', 'é', 'x\n']) {
      expect(() => varName(bad)).toThrow(/not a Stan identifier/);
      expect(() => funName(bad)).toThrow(/not a Stan identifier/);
    }
    expect(varName('x')).toBe('v_x');
    expect(varName('v_x')).not.toBe(varName('x'));
    expect(funName('f', 2)).toMatch(/^[A-Za-z_$][\w$]*$/);
  });

  test('str() is a JS string literal that evaluates to the same text', () => {
    const texts = [
      '', 'plain', '"', "'", '\\', '\\"', '`', '${x}', '*/', '</script>', '\n', '\r', '\t', '\0', '\u2028', '\u2029',
      '\ud800', 'a\udfffb', '😀', '"); process.exit(1); ("', String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i)),
    ];
    for (const t of texts) {
      const literal = str(t);
      // One line of JS in every sense (no raw line terminators), and it means exactly `t`.
      expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
      expect(new Function(`return ${literal};`)()).toBe(t);
    }
  });

  test('num() is a JS expression with the same value, even negative, -0 and non-finite', () => {
    for (const x of [0, -0, 1, -1, 0.1, -2.5e-300, 5e-324, 1.7976931348623157e308, -Infinity, Infinity, NaN, 2 ** 53 + 2]) {
      expect(Object.is(new Function(`return ${num(x)};`)(), x)).toBe(true);
      // Spliced after a minus or as an exponent base without spaces, it is still one operand.
      expect(Object.is(new Function(`return 1-${num(x)};`)(), 1 - x)).toBe(true);
      expect(Object.is(new Function(`return ${num(x)}**2;`)(), x ** 2)).toBe(true);
    }
  });
});

// Stan CSV: reading CmdStan's own layout, writer → reader round trips, and bad input.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RowEncoderThread } from '../src/output/row-encoder-thread.js';
import { writeFileAtomic } from '../src/output/atomic.js';
import { encodeStanRow, MAX_NUMBER_BYTES } from '../src/output/format-number.js';
import {
  cmdstanColumnNames,
  combineChains,
  formatStanNumber,
  groupColumns,
  parseStanCsv,
  readStanCsv,
  SAMPLER_COLUMNS,
  StanCsvError,
  stanElementName,
  StanCsvWriter,
  type StanCsvConfig,
} from '../src/output/stan-csv.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hstan-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The layout CmdStan 2.33 writes for `bernoulli` with a 2x2 matrix generated quantity, by hand.
const CMDSTAN_CSV = `# stan_version_major = 2
# stan_version_minor = 33
# stan_version_patch = 1
# model = bernoulli_model
# start_datetime = 2024-02-03 10:11:12 UTC
# method = sample (Default)
#   sample
#     num_samples = 3
#     num_warmup = 200
#     save_warmup = 0 (Default)
#     thin = 1 (Default)
#     adapt
#       engaged = 1 (Default)
#       gamma = 0.050000000000000003 (Default)
#       delta = 0.90000000000000002
#       kappa = 0.75 (Default)
#       t0 = 10 (Default)
#       init_buffer = 75 (Default)
#       term_buffer = 50 (Default)
#       window = 25 (Default)
#       save_metric = 0 (Default)
#     algorithm = hmc (Default)
#       hmc
#         engine = nuts (Default)
#           nuts
#             max_depth = 10 (Default)
#         metric = diag_e (Default)
#         metric_file =  (Default)
#         stepsize = 1 (Default)
#         stepsize_jitter = 0 (Default)
#     num_chains = 1 (Default)
# id = 2
# data
#   file = bernoulli.data.json
# init = 2 (Default)
# random
#   seed = 4711
# output
#   file = /tmp/out/bernoulli-2.csv
#   diagnostic_file =  (Default)
#   refresh = 100 (Default)
#   sig_figs = -1 (Default)
#   profile_file = profile.csv (Default)
#   save_cmdstan_config = 0 (Default)
# num_threads = 1 (Default)
# stanc_version = stanc3 v2.33.1
# stancflags = 
lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,theta,S.1.1,S.2.1,S.1.2,S.2.2
# Adaptation terminated
# Step size = 0.893542
# Diagonal elements of inverse mass matrix:
# 0.474029
-6.74802,0.932061,0.893542,1,3,0,7.01517,0.247939,1,2,3,4
-7.30293,0.871208,0.893542,2,3,0,7.40116,0.119301,1.5,2.5,3.5,4.5
-8.62104e-01,1,0.893542,1,1,1,nan,inf,-inf,1e-05,-0,2
# 
#  Elapsed Time: 0.005 seconds (Warm-up)
#                0.012 seconds (Sampling)
#                0.017 seconds (Total)
# 
`;

describe('reads CmdStan output', () => {
  const csv = parseStanCsv(CMDSTAN_CSV, 'bernoulli-2.csv');

  test('config comments, defaults stripped, numbers typed, repeated keys by section', () => {
    expect(csv.config.model).toBe('bernoulli_model');
    expect(csv.config.method).toBe('sample');
    expect(csv.config.num_samples).toBe(3);
    expect(csv.config.delta).toBe(0.9);
    expect(csv.config.max_depth).toBe(10);
    expect(csv.config.metric).toBe('diag_e');
    expect(csv.config.metric_file).toBe('');
    expect(csv.config.id).toBe(2);
    expect(csv.config.seed).toBe(4711);
    expect(csv.config.file).toBe('bernoulli.data.json');
    expect(csv.config['output.file']).toBe('/tmp/out/bernoulli-2.csv');
    expect(csv.config.stanc_version).toBe('stanc3 v2.33.1');
  });

  test('columns, draws (nan/inf included), adaptation and timing', () => {
    expect(csv.columns).toEqual([...SAMPLER_COLUMNS, 'theta', 'S.1.1', 'S.2.1', 'S.1.2', 'S.2.2']);
    expect(Array.from(csv.draws[0])).toEqual([-6.74802, -7.30293, -0.862104]);
    expect(Array.from(csv.draws[7])).toEqual([0.247939, 0.119301, Infinity]);
    expect(csv.draws[6][2]).toBeNaN();
    expect(csv.draws[8][2]).toBe(-Infinity);
    expect(csv.draws[9][2]).toBe(1e-5);
    expect(Object.is(csv.draws[10][2], -0)).toBe(true);
    expect(csv.warmupDraws.every((c) => c.length === 0)).toBe(true);
    expect(csv.adaptation?.stepSize).toBe(0.893542);
    expect(Array.from(csv.adaptation?.inverseMetric as Float64Array)).toEqual([0.474029]);
    expect(csv.timing).toEqual({ warmup: 0.005, sampling: 0.012, total: 0.017 });
  });

  test('saved warmup rows come before the adaptation block; dense metrics are read row by row', () => {
    const text = CMDSTAN_CSV.replace('save_warmup = 0 (Default)', 'save_warmup = 1')
      .replace(
        '# Adaptation terminated',
        '-9,0.5,0.1,4,15,0,9.5,0.7,1,1,1,1\n-8,0.6,0.2,3,7,0,8.5,0.6,1,1,1,1\n# Adaptation terminated',
      )
      .replace(
        '# Diagonal elements of inverse mass matrix:\n# 0.474029',
        '# Elements of inverse mass matrix:\n# 2, 0.5\n# 0.5, 3',
      );
    const w = parseStanCsv(text);
    expect(Array.from(w.warmupDraws[0])).toEqual([-9, -8]);
    expect(Array.from(w.draws[0])).toEqual([-6.74802, -7.30293, -0.862104]);
    expect((w.adaptation?.inverseMetric as Float64Array[]).map((r) => Array.from(r))).toEqual([
      [2, 0.5],
      [0.5, 3],
    ]);
  });

  test('saved warmup without an adaptation block: the first ceil(num_warmup / thin) rows', () => {
    const lines = ['# num_warmup = 4', '# save_warmup = 1', '# thin = 2', 'lp__,x'];
    for (let k = 1; k <= 5; k++) lines.push(`${-k},${k}`);
    const w = parseStanCsv(lines.join('\n') + '\n');
    expect(Array.from(w.warmupDraws[1])).toEqual([1, 2]);
    expect(Array.from(w.draws[1])).toEqual([3, 4, 5]);
  });

  test('CRLF line ends', () => {
    const w = parseStanCsv(CMDSTAN_CSV.replace(/\n/g, '\r\n'));
    expect(Array.from(w.draws[7].subarray(0, 2))).toEqual([0.247939, 0.119301]);
    expect(w.config.model).toBe('bernoulli_model');
  });
});

describe('bad CSV gives StanCsvError naming file and line', () => {
  const header = 'lp__,accept_stat__,theta';
  const cases: Array<[string, string, string]> = [
    [
      'a truncated last row',
      `# c\n${header}\n1,0.5,2\n1,0.`,
      'bad.csv:4: expected 3 values, found 2 (the last row is cut short; was the run interrupted?)',
    ],
    ['a short row mid-file', `${header}\n1,0.5\n1,0.5,2\n`, 'bad.csv:2: expected 3 values, found 2'],
    ['a long row', `${header}\n1,0.5,2,9\n`, 'bad.csv:2: expected 3 values, found 4'],
    ['a missing header', `# model = m\n1,0.5,2\n`, 'bad.csv:2: missing column header'],
    ['a non-number', `${header}\n1,0.5,2\n1,abc,2\n`, "bad.csv:3: column accept_stat__: 'abc' is not a number"],
    ['an empty value', `${header}\n1,,2\n`, "bad.csv:2: column accept_stat__: '' is not a number"],
    ['only comments', `# model = m\n`, 'bad.csv: no column header line'],
    ['an empty file', '', 'bad.csv: no column header line'],
    ['a duplicate column', `lp__,x,x\n`, 'bad.csv:1: column x appears twice'],
    [
      'a broken metric',
      `${header}\n# Adaptation terminated\n# Step size = 0.5\n# Diagonal elements of inverse mass matrix:\n# 1, x\n`,
      "bad.csv:5: inverse metric diagonal: 'x' is not a number",
    ],
  ];
  test.each(cases)('%s', (_what, text, message) => {
    let err: unknown;
    try {
      parseStanCsv(text, 'bad.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StanCsvError);
    expect((err as Error).message.startsWith(message)).toBe(true);
  });

  test('a missing file', () => {
    expect(() => readStanCsv(join(dir, 'nope.csv'))).toThrow(`${join(dir, 'nope.csv')}: cannot read: no such file`);
  });
});

describe('CmdStan number format (printf %g at 6 digits)', () => {
  test.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-7.302934, '-7.30293'],
    [0.9320614, '0.932061'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [123456, '123456'],
    [1234567, '1.23457e+06'],
    [999999.5, '1e+06'],
    [1e100, '1e+100'],
    [1.015625, '1.01562'], // an exact tie rounds to even, as glibc does
    [1.046875, '1.04688'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%p → %s', (x, s) => {
    expect(formatStanNumber(x)).toBe(s);
  });
  test('other precisions', () => {
    expect(formatStanNumber(2.5, 1)).toBe('2');
    expect(formatStanNumber(3.5, 1)).toBe('4');
    expect(formatStanNumber(Math.PI, 17)).toBe('3.1415926535897931');
    expect(formatStanNumber(0.1, 17)).toBe('0.10000000000000001');
  });
  test('values next to rounding boundaries and at the ends of the double range', () => {
    expect(formatStanNumber(9.9999995)).toBe('10'); // just above the half: rounds up to the next power of ten
    expect(formatStanNumber(99999.95)).toBe('99999.9'); // the double is just below the half
    expect(formatStanNumber(0.000123456789)).toBe('0.000123457');
    expect(formatStanNumber(0.15, 1)).toBe('0.1');
    expect(formatStanNumber(0.25, 1)).toBe('0.2'); // exact tie, to even
    expect(formatStanNumber(1.25, 2)).toBe('1.2');
    expect(formatStanNumber(123456789012, 12)).toBe('123456789012');
    expect(formatStanNumber(5e-324)).toBe('4.94066e-324');
    expect(formatStanNumber(1.7976931348623157e308)).toBe('1.79769e+308');
    expect(formatStanNumber(1e-300)).toBe('1e-300');
  });
  test('the digits are those of the correctly rounded value (random doubles)', () => {
    // toPrecision rounds the exact value too, differing only on exact ties (none at random here).
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const mismatches: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      for (const p of [3, 6, 9]) {
        const s = formatStanNumber(x, p);
        if (Number(s) !== Number(x.toPrecision(p))) mismatches.push(`${x} at ${p}: ${s}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
  // %g from its definition: digits from toExponential (correctly rounded; exact ties excluded
  // by the callers), fixed notation when -4 <= exp < p, trailing zeros and a bare point dropped.
  const printfG = (x: number, p: number): string => {
    const [mantissa, e] = Math.abs(x).toExponential(p - 1).split('e');
    const exp = Number(e);
    const digits = mantissa.replace('.', '');
    const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
    const sign = x < 0 ? '-' : '';
    if (exp < -4 || exp >= p) {
      const ee = Math.abs(exp);
      return `${sign}${trim(digits[0] + '.' + digits.slice(1))}e${exp < 0 ? '-' : '+'}${ee < 10 ? '0' : ''}${ee}`;
    }
    if (exp < 0) return `${sign}${trim('0.' + '0'.repeat(-exp - 1) + digits)}`;
    return `${sign}${trim(digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1))}`;
  };
  /** An exact tie at p digits: printf rounds it to even, toExponential away from zero. */
  const exactTie = (x: number, p: number): boolean => {
    const long = Math.abs(x).toExponential(Math.min(p + 30, 100)).split('e')[0].replace('.', '');
    return long[p] === '5' && /^0*$/.test(long.slice(p + 1));
  };
  test('values at and next to powers of ten, where the decimal exponent changes', () => {
    // The exponent is first estimated (by comparisons in [1e-5, 1e9), log10 elsewhere), then
    // corrected: these values sit where an estimate is most likely to be one off.
    const next = (x: number, up: boolean): number => {
      const b = new Float64Array([x]);
      const i = new BigInt64Array(b.buffer);
      i[0] += up ? 1n : -1n;
      return b[0];
    };
    const mismatches: string[] = [];
    for (let k = -12; k <= 14; k++) {
      const t = Number(`1e${k}`);
      const near = [t, next(t, true), next(t, false), t * (1 - 1e-7), t * (1 + 1e-7), t * (1 - 4e-13), 9.5 * t, 9.9999996 * t];
      for (const x of near) {
        for (let p = 1; p <= 12; p++) {
          for (const y of [x, -x]) {
            if (exactTie(y, p)) continue;
            const s = formatStanNumber(y, p);
            if (s !== printfG(y, p)) mismatches.push(`${y} at ${p}: ${s} vs ${printfG(y, p)}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
  test('a row is the numbers at that precision, comma-separated, newline-terminated', () => {
    const values = new Float64Array([-0, 0.25, NaN, -Infinity, 3, 1234567, 1e-7, -2.5e-5]);
    const out = new Uint8Array(values.length * (MAX_NUMBER_BYTES + 1));
    const end = encodeStanRow(values, 3, out, 0);
    expect(Buffer.from(out.subarray(0, end)).toString('latin1')).toBe(
      `${Array.from(values, (v) => formatStanNumber(v, 3)).join(',')}\n`,
    );
    expect(Buffer.from(out.subarray(0, end)).toString('latin1')).toBe('-0,0.25,nan,-inf,3,1.23e+06,1e-07,-2.5e-05\n');
  });
  test('the layout is printf %g\'s (random doubles and integers, precisions 1 to 12)', () => {
    let seed = 777;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const mismatches: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const scale = 10 ** Math.floor(random() * 30 - 15);
      const x = i % 4 === 0 ? Math.round((random() - 0.5) * 2e6) : (random() - 0.5) * scale;
      if (x === 0) continue;
      for (let p = 1; p <= 12; p++) {
        // Exact ties (integers ending in 5) round to even in printf: the tests above cover them.
        if (exactTie(x, p)) continue;
        const s = formatStanNumber(x, p);
        if (s !== printfG(x, p)) mismatches.push(`${x} at ${p}: ${s} vs ${printfG(x, p)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('column names', () => {
  test('column-major CmdStan names', () => {
    expect(cmdstanColumnNames('mu', [])).toEqual(['mu']);
    expect(cmdstanColumnNames('Sigma', [2, 3])).toEqual([
      'Sigma.1.1',
      'Sigma.2.1',
      'Sigma.1.2',
      'Sigma.2.2',
      'Sigma.1.3',
      'Sigma.2.3',
    ]);
    expect(cmdstanColumnNames('a', [2, 1, 2])).toEqual(['a.1.1.1', 'a.2.1.1', 'a.1.1.2', 'a.2.1.2']);
  });
  test('element names and grouping', () => {
    expect(stanElementName('theta.1')).toBe('theta[1]');
    expect(stanElementName('Sigma.2.1')).toBe('Sigma[2,1]');
    expect(stanElementName('lp__')).toBe('lp__');
    expect(stanElementName('x:1.2')).toBe('x.1[2]');
    const groups = groupColumns(['lp__', 'theta.1', 'theta.2', 'S.1.1', 'S.2.1', 'S.1.2', 'S.2.2', 'z.real']);
    expect(groups.map((g) => [g.name, g.dims, g.columns])).toEqual([
      ['lp__', [], [0]],
      ['theta', [2], [1, 2]],
      ['S', [2, 2], [3, 4, 5, 6]],
      ['z[real]', [], [7]],
    ]);
    expect(groups[2].elements).toEqual(['S[1,1]', 'S[2,1]', 'S[1,2]', 'S[2,2]']);
  });
});

const baseConfig: StanCsvConfig = {
  model: 'eight_schools_model',
  numSamples: 4,
  numWarmup: 10,
  adaptDelta: 0.8,
  maxDepth: 10,
  metric: 'diag_e',
  chainId: 3,
  seed: 20240501,
  startDatetime: new Date(Date.UTC(2024, 4, 1, 12, 0, 0)),
  hstanVersion: '0.1.0',
};
const columns = [...SAMPLER_COLUMNS, 'mu', ...cmdstanColumnNames('Sigma', [2, 2])];
const draws = [
  [-10.123456789, 0.91, 0.5, 3, 7, 0, 11.2, 1.23456789, 1, 0.25, 0.25, 2],
  [-11.5, 0.85, 0.5, 4, 15, 0, 12.0, -0.000012345678, 1.5, -0.3, -0.3, 2.5],
  [-9.75, 1, 0.5, 2, 3, 1, 10.5, 123456.789, 2, 0, 0, 3],
  [-10, 0.7, 0.5, 3, 7, 0, 11, Math.PI, 1, 0.1, 0.1, 1],
];

// The built worker (npm test builds first): from the TypeScript sources the writer has no thread to start.
const ENCODER_SCRIPT = fileURLToPath(new URL('../dist/src/output/row-encoder-worker.js', import.meta.url));
let encoderThread: RowEncoderThread | undefined;
const threadEncoder = (): RowEncoderThread => (encoderThread ??= new RowEncoderThread(ENCODER_SCRIPT));

describe.each([
  ['inline', () => null],
  ['on an encoder thread', threadEncoder],
])('writer, rows formatted %s', (variant, encoder) => {
  const open = (name: string) => new StanCsvWriter(join(dir, `${variant}-${name}`), { encoder: encoder() });

  test('CmdStan layout, read back to 6 significant digits', () => {
    const w = open('chain-3.csv');
    const path = w.path;
    w.writeHeader(baseConfig, columns);
    w.writeAdaptation(0.523456789, Float64Array.of(1.5, 0.25, 2, 2, 0.125));
    for (const d of draws) w.writeDraw(d);
    w.close({ warmupSeconds: 0.0123, samplingSeconds: 0.5 });
    w.close(); // closing twice is harmless

    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '# stan_version_major = 2',
      '# stan_version_minor = 32',
      '# stan_version_patch = 2',
      '# model = eight_schools_model',
      '# start_datetime = 2024-05-01 12:00:00 UTC',
      '# method = sample (Default)',
      '#   sample',
    ]);
    expect(lines).toContain('#     num_samples = 4');
    expect(lines).toContain('#       delta = 0.8 (Default)');
    expect(lines).toContain('#             max_depth = 10 (Default)');
    expect(lines).toContain('# id = 3');
    expect(lines).toContain('#   seed = 20240501');
    const h = lines.indexOf(
      'lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu,Sigma.1.1,Sigma.2.1,Sigma.1.2,Sigma.2.2',
    );
    expect(h).toBeGreaterThan(0);
    expect(lines.slice(h + 1, h + 6)).toEqual([
      '# Adaptation terminated',
      '# Step size = 0.523457',
      '# Diagonal elements of inverse mass matrix:',
      '# 1.5, 0.25, 2, 2, 0.125',
      '-10.1235,0.91,0.5,3,7,0,11.2,1.23457,1,0.25,0.25,2',
    ]);
    expect(lines.slice(h + 7, h + 9)).toEqual([
      '-9.75,1,0.5,2,3,1,10.5,123457,2,0,0,3',
      '-10,0.7,0.5,3,7,0,11,3.14159,1,0.1,0.1,1',
    ]);
    expect(lines.slice(h + 9)).toEqual([
      '# ',
      '#  Elapsed Time: 0.0123 seconds (Warm-up)',
      '#                0.5 seconds (Sampling)',
      '#                0.5123 seconds (Total)',
      '# ',
      '',
    ]);

    const back = readStanCsv(path);
    expect(back.columns).toEqual(columns);
    expect(back.config.id).toBe(3);
    expect(back.config.max_depth).toBe(10);
    draws.forEach((d, r) =>
      d.forEach((v, c) => {
        const got = back.draws[c][r];
        expect(Math.abs(got - v)).toBeLessThanOrEqual(5e-6 * Math.abs(v));
      }),
    );
    expect(back.adaptation?.stepSize).toBe(0.523457);
    expect(back.timing).toEqual({ warmup: 0.0123, sampling: 0.5, total: 0.5123 });
  });

  test('sig_figs 17 round-trips exactly; dense metric; saved warmup', () => {
    const w = open('exact.csv');
    const path = w.path;
    w.writeHeader({ ...baseConfig, sigFigs: 17, saveWarmup: true, metric: 'dense_e' }, columns);
    w.writeDraw(draws[3]);
    w.writeAdaptation(0.1 + 0.2, [Float64Array.of(2, 0.5), Float64Array.of(0.5, 1 / 3)]);
    for (const d of draws) w.writeDraw(d);
    w.close();
    const back = readStanCsv(path);
    expect(back.config.sig_figs).toBe(17);
    expect(back.config.save_warmup).toBe(1);
    expect(back.warmupDraws.map((c) => Array.from(c))).toEqual(draws[3].map((v) => [v]));
    expect(back.draws.map((c) => Array.from(c))).toEqual(columns.map((_, c) => draws.map((d) => d[c])));
    expect(back.adaptation?.stepSize).toBe(0.1 + 0.2);
    expect((back.adaptation?.inverseMetric as Float64Array[])[1][1]).toBe(1 / 3);
    expect(back.timing).toBeUndefined();
  });

  test('rows land whole: at any time the unclosed file is a valid CSV of the rows written so far', () => {
    const w = open('killed.csv');
    const path = w.path;
    w.writeHeader(baseConfig, columns);
    expect(readStanCsv(path).draws[0].length).toBe(0);
    w.writeAdaptation(0.5, Float64Array.of(1, 1, 1, 1, 1));
    draws.forEach((d, k) => {
      w.writeDraw(d);
      // Gathered rows go out together (one write per 64 KB or 100 ms); none is ever cut.
      const before = readStanCsv(path).draws[0].length;
      expect(before === k || before === k + 1).toBe(true);
      w.flush();
      const partial = readStanCsv(path);
      expect(partial.draws[0].length).toBe(k + 1);
      expect(Math.abs(partial.draws[7][k] - d[7])).toBeLessThanOrEqual(5e-6 * Math.abs(d[7]));
    });
    w.close();
  });

  test('gathered rows are written within 100 ms, and all of them at close', async () => {
    const w = open('gathered.csv');
    const path = w.path;
    w.writeHeader(baseConfig, columns);
    w.writeDraw(draws[0]);
    await new Promise((r) => setTimeout(r, 120));
    w.writeDraw(draws[1]);
    // An encoder thread writes them a moment later, without further calls.
    for (let t = 0; readStanCsv(path).draws[0].length < 2 && t < 50; t++) await new Promise((r) => setTimeout(r, 20));
    expect(readStanCsv(path).draws[0].length).toBe(2);
    w.writeDraw(draws[2]);
    w.close();
    expect(readStanCsv(path).draws[0].length).toBe(3);
  });

  test('misuse is reported', () => {
    const w = open('misuse.csv');
    expect(() => w.writeDraw([1])).toThrow('writeDraw before writeHeader');
    expect(() => w.writeHeader(baseConfig, ['mu'])).toThrow('column 1 must be lp__, got mu');
    w.writeHeader(baseConfig, columns);
    expect(() => w.writeDraw([1, 2])).toThrow('draw has 2 values but the header has 12 columns');
    w.close();
    expect(() => w.writeDraw(draws[0])).toThrow('Stan CSV writer is closed');
  });
});

describe('encoder thread', () => {
  const rows = (n: number, seed: number) =>
    Array.from({ length: n }, (_, r) =>
      Float64Array.from(columns, (_, c) => (c === 3 ? r % 11 : Math.sin(seed + 7 * r + c) * 10 ** ((r + c) % 9 - 4))),
    );

  test('more batches than may be in flight: finished ones are refilled (else the oldest is waited for), bytes unchanged', () => {
    // 682 rows of 12 columns fill a batch: 24 batches, more than the 16 a writer keeps in flight.
    const draws = rows(24 * 682 + 5, 9);
    const files: string[] = [];
    const encoder = threadEncoder();
    // Count the writer's checks of posted batches (an own property shadows the prototype's method).
    let checks = 0;
    const done = encoder.done.bind(encoder);
    encoder.done = (ticket: number) => (checks++, done(ticket));
    for (const [variant, enc] of [['inline', null], ['thread', encoder]] as const) {
      const path = join(dir, `in-flight-${variant}.csv`);
      files.push(path);
      const w = new StanCsvWriter(path, { encoder: enc });
      w.writeHeader({ ...baseConfig, sigFigs: 9 }, columns);
      for (const d of draws) w.writeDraw(d);
      w.close({ warmupSeconds: 1, samplingSeconds: 2 });
    }
    delete (encoder as { done?: unknown }).done;
    const [inline, thread] = files.map((f) => readFileSync(f, 'utf8'));
    expect(thread).toBe(inline);
    expect(readStanCsv(files[1]).draws[0].length).toBe(draws.length);
    expect(checks).toBeGreaterThanOrEqual(24);
  });

  test('many batches from four files at once give the bytes the inline writer gives, timing last', () => {
    const chains = [0, 1, 2, 3].map((c) => ({ draws: rows(1500 + 100 * c, c), files: [] as string[] }));
    for (const [variant, encoder] of [['inline', null], ['thread', threadEncoder()]] as const) {
      const ws = chains.map((ch, c) => {
        const path = join(dir, `batches-${variant}-${c}.csv`);
        ch.files.push(path);
        const w = new StanCsvWriter(path, { encoder });
        w.writeHeader({ ...baseConfig, chainId: c + 1, sigFigs: 9 }, columns);
        w.writeAdaptation(0.5, Float64Array.of(1, 2, 3, 4, 5));
        return w;
      });
      // Interleaved as a batched sampler hands them over; 1500 rows of 12 are three batches.
      for (let r = 0; r < 1800; r++) chains.forEach((ch, c) => r < ch.draws.length && ws[c].writeDraw(ch.draws[r]));
      ws.forEach((w) => w.close({ warmupSeconds: 1, samplingSeconds: 2 }));
    }
    for (const ch of chains) {
      const [inline, thread] = ch.files.map((f) => readFileSync(f, 'utf8'));
      expect(thread).toBe(inline);
      expect(thread.trimEnd().endsWith('#                3 seconds (Total)\n#')).toBe(true);
      expect(readStanCsv(ch.files[1]).draws[0].length).toBe(ch.draws.length);
    }
  });

  // Linux's nice is per thread; elsewhere the thread keeps its priority and there is no /proc to
  // read. (Under `nice -n 19` every thread is already at the lowest: nothing to tell apart.)
  const nice = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  const ownNice = existsSync('/proc/thread-self/stat') ? nice(readFileSync('/proc/thread-self/stat', 'utf8')) : 19;
  (ownNice < 19 ? test : test.skip)('the thread runs at the lowest priority; the writer\'s thread keeps its own', () => {
    const encoder = threadEncoder();
    const values = new Float64Array(new SharedArrayBuffer(8));
    const path = join(dir, 'priority.csv');
    const fd = openSync(path, 'w');
    try {
      // A finished batch: the thread has run its start-up code.
      encoder.wait(encoder.post({ file: encoder.newFile(), fd, precision: 6, columns: 1, rows: 1, values }), 0);
    } finally {
      closeSync(fd);
    }
    const nices = readdirSync('/proc/self/task').map((t) => {
      try {
        return nice(readFileSync(`/proc/self/task/${t}/stat`, 'utf8'));
      } catch {
        return NaN; // a thread that ended meanwhile
      }
    });
    expect(nices).toContain(19);
    expect(nice(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(ownNice);
  });

  test('a failed write is thrown to its own file\'s writer, with its code; other files go on', () => {
    const encoder = threadEncoder();
    const full = openSync('/dev/full', 'w');
    const path = join(dir, 'beside-full.csv');
    const fine = openSync(path, 'w');
    try {
      const [bad, good] = [encoder.newFile(), encoder.newFile()];
      // Batches live in shared memory (see RowEncoderThread.post).
      const shared = (xs: number[]) => { const v = new Float64Array(new SharedArrayBuffer(8 * xs.length)); v.set(xs); return v; };
      const batch = (file: number, fd: number) => ({ file, fd, precision: 6, columns: 2, rows: 2, values: shared([1, 2, 3, 4]) });
      encoder.post(batch(bad, full));
      const t = encoder.post(batch(good, fine));
      let thrown: unknown;
      try {
        encoder.wait(t, bad);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ code: 'ENOSPC', message: expect.stringContaining('no space left') });
      encoder.post(batch(bad, full)); // dropped: the file already failed
      encoder.wait(encoder.post(batch(good, fine)), good);
      expect(readFileSync(path, 'utf8')).toBe('1,2\n3,4\n1,2\n3,4\n');
    } finally {
      closeSync(full);
      closeSync(fine);
    }
  });
});

describe('combining chains', () => {
  test('files with different columns or lengths are rejected by name', () => {
    const a = parseStanCsv('lp__,x\n1,2\n3,4\n', 'a.csv');
    const b = parseStanCsv('lp__,y\n1,2\n3,4\n', 'b.csv');
    const c = parseStanCsv('lp__,x\n1,2\n', 'c.csv');
    expect(() => combineChains([a, b])).toThrow('b.csv: columns differ from a.csv (column 2 is y, expected x)');
    expect(() => combineChains([a, c])).toThrow('c.csv: has 1 draws but a.csv has 2');
    const ok = combineChains([a, parseStanCsv('lp__,x\n5,6\n7,8\n', 'd.csv')]);
    expect(ok.names).toEqual(['lp__', 'x']);
    expect(ok.draws[1].map((ch) => Array.from(ch))).toEqual([
      [2, 4],
      [6, 8],
    ]);
  });
});

describe('writeFileAtomic', () => {
  test('replaces the file whole and leaves no temporary file', () => {
    const path = join(dir, 'atomic', 'out.json');
    rmSync(join(dir, 'atomic'), { recursive: true, force: true });
    mkdirSync(join(dir, 'atomic'));
    writeFileSync(path, 'old');
    writeFileAtomic(path, '{"a":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    writeFileAtomic(path, Buffer.from('bytes'));
    expect(readFileSync(path, 'utf8')).toBe('bytes');
    expect(readdirSync(join(dir, 'atomic'))).toEqual(['out.json']);
  });
  test('a failed write leaves the target untouched', () => {
    const path = join(dir, 'no-such-dir', 'out.json');
    expect(() => writeFileAtomic(path, 'x')).toThrow();
    expect(existsSync(path)).toBe(false);
  });
});

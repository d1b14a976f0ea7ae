// Sampler diagnostics (closed forms) and the advice they lead to.
import {
  advise,
  DiagnosticsError,
  ebfmi,
  formatAdvice,
  samplerDiagnostics,
  type SummaryRow,
} from '../src/diagnostics/index.js';

function row(name: string, over: Partial<SummaryRow>): SummaryRow {
  return {
    name,
    mean: 0,
    sd: 1,
    median: 0,
    mad: 1,
    q5: -1.6,
    q95: 1.6,
    essBulk: 4000,
    essTail: 4000,
    rhat: 1.0,
    mcseMean: 0.01,
    mcseSd: 0.01,
    quantiles: [],
    ...over,
  };
}

describe('E-BFMI', () => {
  test('alternating energies: Σ diff² / Σ dev² = (n−1) / (n/4)', () => {
    const n = 10;
    const e = Array.from({ length: n }, (_, i) => i % 2);
    expect(ebfmi(e)).toBeCloseTo((4 * (n - 1)) / n, 14);
  });
  test('a ramp 1..n: 12 / (n(n+1)), far below 0.3', () => {
    const n = 50;
    const e = Float64Array.from({ length: n }, (_, i) => i + 1);
    expect(ebfmi(e)).toBeCloseTo(12 / (n * (n + 1)), 14);
  });
  test('undefined for one draw', () => {
    expect(ebfmi([3])).toBeNaN();
  });
});

describe('samplerDiagnostics', () => {
  const chains = [
    { divergent: [0, 1, 0, 0, 1, 0], treedepth: [3, 10, 4, 10, 2, 3], energy: [0, 1, 0, 1, 0, 1] },
    { divergent: [0, 0, 0, 0, 0, 0], treedepth: [3, 3, 4, 5, 2, 3], energy: [1, 2, 3, 4, 5, 6] },
  ];
  const s = samplerDiagnostics(chains, 10);

  test('counts divergences and saturations per chain and in all', () => {
    expect(s.chains.map((c) => c.divergences)).toEqual([2, 0]);
    expect(s.chains.map((c) => c.treedepthSaturations)).toEqual([2, 0]);
    expect(s.divergences).toBe(2);
    expect(s.treedepthSaturations).toBe(2);
    expect(s.draws).toBe(12);
  });

  test('flags low E-BFMI by chain', () => {
    expect(s.chains[0].ebfmi).toBeCloseTo((4 * 5) / 6, 12);
    expect(s.chains[1].ebfmi).toBeCloseTo(12 / 42, 12);
    expect(s.chains.map((c) => c.lowEbfmi)).toEqual([false, true]);
  });

  test('ragged statistics and a bad max depth throw', () => {
    expect(() => samplerDiagnostics([{ divergent: [0, 0], treedepth: [1], energy: [1, 2] }], 10)).toThrow(
      'chain 1: sampler statistics have unequal lengths (divergent__ 2, treedepth__ 1, energy__ 2)',
    );
    expect(() => samplerDiagnostics([], 0)).toThrow(DiagnosticsError);
  });
});

describe('advise', () => {
  const divergent = samplerDiagnostics(
    [{ divergent: [1, 0, 1, 0], treedepth: [2, 2, 2, 2], energy: [0, 1, 0, 1] }],
    10,
  );

  test('divergences with a centered hierarchical effect: non-center it, by name', () => {
    const hints = { hierarchical: [{ effect: 'theta', location: 'mu', scale: 'tau', centered: true, size: 'J' }] };
    const [a] = advise({ sampler: divergent, hints });
    expect(a.kind).toBe('divergences');
    expect(a.parameters).toEqual(['theta']);
    expect(a.text).toContain('2 of 4 transitions (50.0%) ended with a divergence');
    expect(a.text).toContain('non-center the group effects: declare `vector<offset=mu, multiplier=tau>[J] theta`');
    expect(a.text).toContain('theta = mu + tau * z');
  });

  test('without a size or location the suggestion still names the parameters', () => {
    const hints = { hierarchical: [{ effect: 'alpha', scale: 'sigma_a', centered: true }] };
    const [a] = advise({ sampler: divergent, hints });
    expect(a.text).toContain('add `<multiplier=sigma_a>` to the declaration of alpha');
    expect(a.text).toContain('alpha = sigma_a * z');
  });

  test('divergences without hints: raise adapt_delta, then reparameterize', () => {
    const [a] = advise({ sampler: divergent });
    expect(a.text).toContain('`--adapt-delta 0.95`');
    expect(a.text).toContain('reparameterize');
    expect(advise({ sampler: divergent, adaptDelta: 0.95 })[0].text).toContain('`--adapt-delta 0.99`');
    expect(advise({ sampler: divergent, adaptDelta: 0.99 })[0].text).toContain('`adapt_delta` is already 0.99');
  });

  test('tree depth saturation: raise --max-treedepth', () => {
    const s = samplerDiagnostics([{ divergent: [0, 0], treedepth: [10, 9], energy: [0, 1] }], 10);
    const a = advise({ sampler: s });
    expect(a.map((x) => x.kind)).toEqual(['treedepth']);
    expect(a[0].text).toContain('1 of 2 transitions (50.0%) hit the maximum tree depth 10');
    expect(a[0].text).toContain('`--max-treedepth 12`');
  });

  test('low E-BFMI names the chain', () => {
    const ramp = Array.from({ length: 10 }, (_, i) => i + 1); // E-BFMI 12 / 110
    const zeros = ramp.map(() => 0);
    const s = samplerDiagnostics(
      [
        { divergent: zeros, treedepth: zeros, energy: ramp.map((i) => i % 2) },
        { divergent: zeros, treedepth: zeros, energy: ramp },
      ],
      10,
    );
    const a = advise({ sampler: s });
    expect(a.map((x) => x.kind)).toEqual(['ebfmi']);
    expect(a[0].text).toContain('E-BFMI is below 0.3 for chain 2 (0.11):');
    const hinted = advise({
      sampler: s,
      hints: { hierarchical: [{ effect: 'b', location: 'm', scale: 's', centered: true }] },
    });
    expect(hinted[0].parameters).toEqual(['b']);
    expect(hinted[0].text).toContain('b = m + s * z');
  });

  test('R-hat above 1.01 and ESS below 100 per chain name the parameters', () => {
    const rows = [
      row('mu', { rhat: 1.05 }),
      row('tau', { essBulk: 350, essTail: 900 }),
      row('theta[1]', { essTail: 399.5 }),
      row('ok', { rhat: 1.009, essBulk: 400, essTail: 400 }),
      row('constant', { rhat: NaN, essBulk: NaN, essTail: NaN }),
      row('half', { essBulk: 50, essTail: NaN }),
    ];
    const a = advise({ summary: rows, chains: 4 });
    expect(a.map((x) => x.kind)).toEqual(['rhat', 'ess']);
    expect(a[0].parameters).toEqual(['mu']);
    expect(a[0].text).toContain('R-hat is above 1.01 for mu (1.050)');
    expect(a[1].parameters).toEqual(['tau', 'theta[1]', 'half']);
    expect(a[1].text).toContain('below 400 (100 per chain) for tau (350), theta[1] (400), half (50)');
    expect(() => advise({ summary: rows })).toThrow('the number of chains is needed');
  });

  test('a healthy run gets no advice, and text has one paragraph per record', () => {
    const s = samplerDiagnostics([{ divergent: [0, 0, 0, 0], treedepth: [2, 3, 2, 3], energy: [0, 1, 0, 1] }], 10);
    expect(advise({ sampler: s, summary: [row('x', {})], chains: 1 })).toEqual([]);
    const text = formatAdvice(advise({ sampler: divergent, summary: [row('mu', { rhat: 1.2 })] }));
    expect(text.split('\n')).toHaveLength(2);
    expect(text.startsWith('Warning: 2 of 4 transitions')).toBe(true);
  });
});

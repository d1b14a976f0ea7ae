/** runNuts as a whole: batching, reproducibility, errors, stopping, thinning, callbacks. */
import { Random } from '../src/runtime/random.js';
import { findInitialPoints } from '../src/inference/init.js';
import {
  BatchEvaluator,
  InitializationError,
  SamplerError,
  runNuts,
  statValues,
  type BatchedLogDensity,
  type DrawStats,
} from '../src/inference/index.js';
import { standardNormal } from './nuts-densities.js';

describe('batching', () => {
  test('one density call per leapfrog step of the slowest chain; rows = leapfrog steps', () => {
    const density = standardNormal(10);
    const C = 4;
    const warmup = 200;
    const samples = 200;
    const callsAt: number[] = [];
    const rowsAt: number[] = [];
    const leapfrogs: number[][] = [];
    runNuts(density, {
      chains: C,
      warmup,
      samples,
      seed: 31,
      saveWarmup: true,
      onDraw: (chain, iteration, _q, stats) => {
        if (chain === 0) {
          callsAt[iteration] = density.calls;
          rowsAt[iteration] = density.rows;
          leapfrogs[iteration] = [];
        }
        leapfrogs[iteration].push(stats.nLeapfrog);
      },
    });
    const windowEnds = new Set<number>();
    let partialRounds = 0;
    let searchCalls = 0;
    for (let t = 1; t < warmup + samples; t++) {
      const calls = callsAt[t] - callsAt[t - 1];
      const rows = rowsAt[t] - rowsAt[t - 1];
      const maxLeapfrog = Math.max(...leapfrogs[t]);
      const sumLeapfrog = leapfrogs[t].reduce((a, b) => a + b, 0);
      if (calls !== maxLeapfrog) {
        // Only a metric update (step-size search after a window) may add calls, in warmup.
        expect(t).toBeLessThan(warmup);
        expect(calls).toBeGreaterThan(maxLeapfrog);
        expect(calls - maxLeapfrog).toBeLessThan(60);
        windowEnds.add(t);
        searchCalls += calls - maxLeapfrog;
      } else {
        expect(rows).toBe(sumLeapfrog);
      }
      if (sumLeapfrog < C * maxLeapfrog) partialRounds++;
    }
    // 200 warmup iterations: windows of 25 and 50 after a 75 buffer, the second stretched to 149.
    expect([...windowEnds]).toEqual([99, 149]);
    expect(searchCalls).toBeGreaterThan(0);
    // Chains finish their trees at different times, so some rounds had fewer rows than chains.
    expect(partialRounds).toBeGreaterThan(50);
  });
});

describe('reproducibility and independence of chains', () => {
  const run = (seed: number, chains = 3) =>
    runNuts(standardNormal(6), { chains, warmup: 150, samples: 100, seed, metric: 'dense' });

  test('same seed gives bitwise identical draws and stats', () => {
    const a = run(123);
    const b = run(123);
    expect(a.draws).toEqual(b.draws);
    expect(a.stats).toEqual(b.stats);
    expect(a.stepSize).toEqual(b.stepSize);
    expect(a.inverseMetric).toEqual(b.inverseMetric);
  });

  test('different seeds give different draws', () => {
    const a = run(123);
    const b = run(124);
    expect(a.draws[0][99]).not.toEqual(b.draws[0][99]);
  });

  test('a chain does not depend on how many chains run beside it', () => {
    const one = run(55, 1);
    const three = run(55, 3);
    expect(three.draws[0]).toEqual(one.draws[0]);
    expect(three.stats[0]).toEqual(one.stats[0]);
    expect(three.draws[1]).not.toEqual(one.draws[0]);
  });

  test('a bigint seed is accepted and reported back', () => {
    const r = runNuts(standardNormal(2), { chains: 1, warmup: 10, samples: 5, seed: 2n ** 60n + 7n });
    expect(r.seed).toBe(2n ** 60n + 7n);
    const unseeded = runNuts(standardNormal(2), { chains: 1, warmup: 10, samples: 5 });
    expect(typeof unseeded.seed).toBe('number');
    const again = runNuts(standardNormal(2), { chains: 1, warmup: 10, samples: 5, seed: unseeded.seed });
    expect(again.draws).toEqual(unseeded.draws);
  });
});

function densityWith(D: number, f: (x: Float64Array, off: number, grad: Float64Array) => number): BatchedLogDensity {
  return {
    dimension: D,
    logDensityGradient(U, n, lp, grad) {
      for (let r = 0; r < n; r++) lp[r] = f(U, r * D, grad);
    },
  };
}

describe('initialization', () => {
  test('no finite log density anywhere: InitializationError naming the chains', () => {
    const nowhere = densityWith(2, () => -Infinity);
    let error: unknown;
    try {
      runNuts(nowhere, { chains: 2, warmup: 10, samples: 10, seed: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InitializationError);
    const err = error as InitializationError;
    expect(err.chains).toEqual([0, 1]);
    expect(err.message).toMatch(/chain 1: after 100 attempts, last rejected because the log density is -Infinity/);
    expect(err.message).toMatch(/chain 2:/);
    expect(err.message).toMatch(/Initialization between \(-2, 2\) failed/);
  });

  test('non-finite gradient is reported', () => {
    const badGrad = densityWith(1, (U, off, grad) => {
      grad[off] = NaN;
      return 0;
    });
    expect(() => runNuts(badGrad, { chains: 1, warmup: 10, samples: 10, seed: 1 })).toThrow(/gradient is not finite/);
  });

  test('random inits retry until the support is hit', () => {
    // Support x > 1.5: a uniform(-2, 2) init lands there 1 time in 8.
    const narrow = densityWith(1, (U, off, grad) => {
      const x = U[off];
      grad[off] = -(x - 2);
      return x > 1.5 ? -0.5 * (x - 2) ** 2 : -Infinity;
    });
    const evaluator = new BatchEvaluator(narrow, 4);
    const points = findInitialPoints(
      evaluator,
      [0, 1, 2, 3].map((c) => Random.forChain(4, c)),
      2,
    );
    expect(evaluator.calls).toBeGreaterThan(1);
    for (const { q, lp, grad } of points) {
      expect(q[0]).toBeGreaterThan(1.5);
      expect(q[0]).toBeLessThan(2);
      expect(lp).toBe(-0.5 * (q[0] - 2) ** 2);
      expect(grad[0]).toBe(-(q[0] - 2));
    }
    const r = runNuts(narrow, { chains: 4, warmup: 30, samples: 20, seed: 4 });
    for (const chain of r.draws) for (const x of chain) expect(x[0]).toBeGreaterThan(1.5);
  });

  test('user inits are used (one attempt) and validated', () => {
    const inits = [Float64Array.from([3, -3]), Float64Array.from([0.5, 0.25])];
    const d = standardNormal(2);
    let firstCallRows: Float64Array | null = null;
    const spy: BatchedLogDensity = {
      dimension: 2,
      logDensityGradient(U, n, lp, grad) {
        if (!firstCallRows) firstCallRows = U.slice(0, n * 2);
        d.logDensityGradient(U, n, lp, grad);
      },
    };
    runNuts(spy, { chains: 2, warmup: 0, samples: 1, seed: 1, inits });
    expect(Array.from(firstCallRows!)).toEqual([3, -3, 0.5, 0.25]);

    expect(() => runNuts(d, { chains: 2, inits: [inits[0]] })).toThrow(
      /'inits' must give one init per chain \(2\), got 1/,
    );
    expect(() => runNuts(d, { chains: 2, inits: [inits[0], Float64Array.from([1])] })).toThrow(
      /init for chain 2 must be a vector of 2 unconstrained values/,
    );
    expect(() => runNuts(d, { chains: 1, inits: [Float64Array.from([1, NaN])] })).toThrow(/element 2 is NaN/);
    const halfPlane = densityWith(2, (U, off, grad) => {
      grad[off] = grad[off + 1] = 0;
      return U[off] > 0 ? 0 : -Infinity;
    });
    expect(() => runNuts(halfPlane, { chains: 1, inits: [Float64Array.from([-1, 0])] })).toThrow(
      /chain 1: the supplied init is not usable: the log density is -Infinity/,
    );
  });
});

describe('options', () => {
  const d = standardNormal(2);
  test.each([
    [{ chains: 0 }, /'chains' must be an integer >= 1, got 0/],
    [{ warmup: -1 }, /'warmup' must be a non-negative integer/],
    [{ samples: 1.5 }, /'samples' must be a non-negative integer, got 1.5/],
    [{ adaptDelta: 1.2 }, /'adaptDelta' must be strictly between 0 and 1/],
    [{ maxTreedepth: 0 }, /'maxTreedepth' must be an integer >= 1/],
    [{ metric: 'full' as 'dense' }, /'metric' must be 'diag' or 'dense', got "full"/],
    [{ initRadius: -1 }, /'initRadius' must be a non-negative number/],
    [{ thin: 0 }, /'thin' must be an integer >= 1/],
    [{ seed: -5 }, /'seed' must be a non-negative integer/],
    [{ stepSize: 0 }, /'stepSize' must be a positive number/],
  ])('%p is rejected', (options, message) => {
    expect(() => runNuts(d, options)).toThrow(SamplerError);
    expect(() => runNuts(d, options)).toThrow(message);
  });

  test('options given as undefined take their defaults', () => {
    const r = runNuts(d, { chains: undefined, metric: undefined, warmup: 10, samples: 5, seed: 1 });
    expect(r.draws).toHaveLength(4);
    expect(r.inverseMetric[0]).toBeInstanceOf(Float64Array);
  });

  test('a density without parameters is rejected', () => {
    expect(() => runNuts(densityWith(0, () => 0))).toThrow(/at least one unconstrained parameter/);
  });

  test('a supplied inverse metric is used when there is no warmup', () => {
    const r = runNuts(d, {
      chains: 1,
      warmup: 0,
      samples: 3,
      seed: 2,
      stepSize: 0.3,
      inverseMetric: Float64Array.from([2, 0.5]),
    });
    expect(Array.from(r.inverseMetric[0] as Float64Array)).toEqual([2, 0.5]);
    expect(Array.from(r.stats[0].stepsize__)).toEqual([0.3, 0.3, 0.3]);
    expect(r.stepSize).toEqual([0.3]);
  });
});

describe('stopping, thinning and callbacks', () => {
  test('shouldStop ends the run cleanly, keeping what was drawn', () => {
    let polls = 0;
    const r = runNuts(standardNormal(3), {
      chains: 2,
      warmup: 20,
      samples: 100,
      seed: 9,
      shouldStop: () => ++polls > 50,
    });
    expect(r.stopped).toBe(true);
    expect(r.draws.map((c) => c.length)).toEqual([30, 30]);
    expect(r.stats[1].lp__.length).toBe(30);
    expect(r.timing[0].samplingSeconds).toBeGreaterThanOrEqual(0);
  });

  test('phases are timed as Stan times them: writing the adaptation (onWarmupEnd) is on neither clock', () => {
    const busy = (ms: number) => {
      const t = performance.now();
      while (performance.now() - t < ms);
    };
    const r = runNuts(standardNormal(2), {
      chains: 2, warmup: 20, samples: 20, seed: 3,
      onWarmupEnd: () => busy(300),
    });
    const { warmupSeconds, samplingSeconds } = r.timing[0];
    expect(warmupSeconds).toBeGreaterThan(0);
    expect(samplingSeconds).toBeGreaterThan(0);
    // 2 × 300 ms were spent between the phases; 40 iterations of a 2-d normal take a few ms.
    expect(warmupSeconds + samplingSeconds).toBeLessThan(0.3);
  });

  test('onWarmupEnd reports the sampling step size and metric before the first sampling draw', () => {
    const events: string[] = [];
    const reported: { stepSize: number; inverse: Float64Array }[] = [];
    const r = runNuts(standardNormal(3), {
      chains: 2,
      warmup: 40,
      samples: 5,
      saveWarmup: true,
      seed: 12,
      onWarmupEnd: (chain, stepSize, inverse) => {
        events.push(`end${chain}`);
        reported[chain] = { stepSize, inverse: inverse as Float64Array };
      },
      onDraw: (chain, iteration) => events.push(`${chain}@${iteration}`),
    });
    const firstSampling = events.indexOf('0@40');
    expect(events.slice(firstSampling - 3, firstSampling)).toEqual(['1@39', 'end0', 'end1']);
    reported.forEach(({ stepSize, inverse }, c) => {
      expect(stepSize).toBe(r.stepSize[c]);
      expect(inverse).toEqual(r.inverseMetric[c]);
    });
    // Warmup of 40 adapts the metric once (15%/75%/10%), so it is no longer the identity.
    expect(Array.from(reported[0].inverse)).not.toEqual([1, 1, 1]);
    let calls = 0;
    runNuts(standardNormal(3), { chains: 1, warmup: 0, samples: 2, seed: 1, onWarmupEnd: () => calls++ });
    expect(calls).toBe(1);
  });

  test('thin and saveWarmup pick Stan iterations; onDraw streams them in order', () => {
    const seen: [number, number, DrawStats['phase']][] = [];
    let progressCalls = 0;
    let lastProgress: { iteration: number; phase: string }[] = [];
    const r = runNuts(standardNormal(3), {
      chains: 2,
      warmup: 25,
      samples: 30,
      thin: 4,
      saveWarmup: true,
      seed: 10,
      onDraw: (chain, iteration, q, stats) => {
        seen.push([chain, iteration, stats.phase]);
        expect(q.length).toBe(3);
        expect(statValues(stats)).toHaveLength(7);
      },
      onProgress: (info) => {
        progressCalls++;
        expect(info).toHaveLength(2);
        lastProgress = info.map((i) => ({ iteration: i.iteration, phase: i.phase }));
      },
    });
    const warmupIters = [0, 4, 8, 12, 16, 20, 24];
    const samplingIters = [25, 29, 33, 37, 41, 45, 49, 53];
    expect(r.warmupDraws).toBe(7);
    expect(r.draws[0]).toHaveLength(15);
    expect(seen.filter(([c]) => c === 1).map(([, it]) => it)).toEqual([...warmupIters, ...samplingIters]);
    expect(seen.filter(([c, it]) => c === 0 && it < 25).every(([, , ph]) => ph === 'warmup')).toBe(true);
    expect(seen.filter(([c, it]) => c === 0 && it >= 25).every(([, , ph]) => ph === 'sampling')).toBe(true);
    expect(progressCalls).toBe(55);
    expect(lastProgress).toEqual([
      { iteration: 55, phase: 'sampling' },
      { iteration: 55, phase: 'sampling' },
    ]);
    // After warmup every sampling draw uses the final adapted step size.
    const sampling = r.stats[0].stepsize__.subarray(r.warmupDraws);
    expect(Array.from(sampling).every((s) => s === r.stepSize[0])).toBe(true);
  });
});

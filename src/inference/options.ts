/** Defaults and validation of NUTS options (errors name the offending option). */

import { SamplerError } from './errors.js';
import type { NutsOptions } from './types.js';

export const NUTS_DEFAULTS = {
  chains: 4,
  warmup: 1000,
  samples: 1000,
  adaptDelta: 0.8,
  maxTreedepth: 10,
  metric: 'diag',
  initRadius: 2,
  stepSize: 1,
  thin: 1,
  saveWarmup: false,
} as const satisfies Partial<NutsOptions>;

function fail(name: string, requirement: string, value: unknown): never {
  const shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  throw new SamplerError(`sampler option '${name}' must be ${requirement}, got ${shown}`);
}

function integerAtLeast(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(name, min === 0 ? 'a non-negative integer' : `an integer >= ${min}`, value);
  }
  return value;
}

function randomSeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  // 53 bits so the seed prints and round-trips as an ordinary number.
  return (words[0] & 0x1fffff) * 4294967296 + words[1];
}

/** Options with defaults filled in and every value checked against the density's dimension. */
export function resolveNutsOptions(options: Partial<NutsOptions>, dimension: number): NutsOptions {
  // Options left undefined (e.g. unset CLI flags) fall back to the defaults.
  const o = { ...NUTS_DEFAULTS } as NutsOptions;
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  integerAtLeast('chains', o.chains, 1);
  integerAtLeast('warmup', o.warmup, 0);
  integerAtLeast('samples', o.samples, 0);
  integerAtLeast('maxTreedepth', o.maxTreedepth, 1);
  integerAtLeast('thin', o.thin, 1);
  if (!(o.adaptDelta > 0 && o.adaptDelta < 1)) fail('adaptDelta', 'strictly between 0 and 1', o.adaptDelta);
  if (o.metric !== 'diag' && o.metric !== 'dense') fail('metric', "'diag' or 'dense'", o.metric);
  if (!(o.initRadius >= 0) || !Number.isFinite(o.initRadius)) fail('initRadius', 'a non-negative number', o.initRadius);
  if (!(o.stepSize > 0) || !Number.isFinite(o.stepSize)) fail('stepSize', 'a positive number', o.stepSize);
  if (typeof o.saveWarmup !== 'boolean') fail('saveWarmup', 'true or false', o.saveWarmup);
  if (o.seed === undefined) {
    o.seed = randomSeed();
  } else if (typeof o.seed === 'number') {
    if (!Number.isSafeInteger(o.seed) || o.seed < 0) fail('seed', 'a non-negative integer', o.seed);
  } else if (typeof o.seed !== 'bigint' || o.seed < 0n) {
    fail('seed', 'a non-negative integer', o.seed);
  }
  if (o.inits !== undefined) {
    if (o.inits.length !== o.chains) {
      throw new SamplerError(
        `sampler option 'inits' must give one init per chain (${o.chains}), got ${o.inits.length}`,
      );
    }
    o.inits.forEach((init, c) => {
      if (!(init instanceof Float64Array) || init.length !== dimension) {
        throw new SamplerError(
          `init for chain ${c + 1} must be a vector of ${dimension} unconstrained values, got ${init?.length ?? 'none'}`,
        );
      }
      const bad = init.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0)
        throw new SamplerError(`init for chain ${c + 1}: element ${bad + 1} is ${init[bad]}, not a finite number`);
    });
  }
  return o;
}

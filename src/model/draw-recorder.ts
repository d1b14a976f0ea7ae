// What happens to each kept draw: its transformed parameters and generated quantities are
// computed (with the generated-quantities streams, apart from the sampler's), the row is kept
// for the Fit and streamed to Stan CSV. Kept apart from the sampler, which only hands it draws.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { SAMPLER_STAT_NAMES } from '../inference/types.js';
import type { NutsResult } from '../inference/types.js';
import { Random } from '../runtime/random.js';
import { StanCsvWriter } from '../output/stan-csv.js';
import { sharedRowEncoder } from '../output/row-encoder-thread.js';
import { VERSION } from '../version.js';
import type { ModelHints } from '../diagnostics/index.js';
import type { ModelInstance } from './instance.js';

export interface RecorderSettings {
  chains: number;
  warmup: number;
  samples: number;
  thin: number;
  seed: number;
  adaptDelta: number;
  maxTreedepth: number;
  metric: 'diag' | 'dense';
  initRadius: number;
  /** User inits were given (recorded in the CSV config). */
  userInits: boolean;
  /** Stream Stan CSV files (one per chain) into this folder. */
  outputDir?: string;
  /** Base name of the CSV files: `<name>-<chain>.csv`. */
  outputName: string;
  modelName: string;
  sigFigs?: number;
  dataFile?: string;
  /** Hand CSV rows to the process's encoder thread (where there is one) instead of formatting them here. */
  csvThread?: boolean;
}

/** Generated quantities draw from streams seeded apart from the sampler's (same chain ids, another seed). */
const GQ_SEED_MIX = 0x9e3779b97f4a7c15n;

/** Number of sampler statistics that open each row (lp__ ... energy__). */
export const STAT_COUNT = SAMPLER_STAT_NAMES.length;

export class DrawRecorder {
  /** [chain][draw] constrained rows (every output column). */
  readonly rows: Float64Array[][];
  readonly files: string[] = [];
  private readonly gqRng: Random[];
  private readonly writers: StanCsvWriter[] | null = null;
  private readonly adaptationWritten: boolean[];
  /** One CSV row buffer for all draws: writeDraw formats it at once. */
  private readonly line: Float64Array;

  constructor(
    private readonly instance: ModelInstance,
    s: RecorderSettings,
    hints: ModelHints = {},
  ) {
    const C = s.chains;
    this.gqRng = Array.from({ length: C }, (_, c) => Random.forChain(BigInt(s.seed) ^ GQ_SEED_MIX, c));
    this.rows = Array.from({ length: C }, () => []);
    this.adaptationWritten = new Array(C).fill(false);
    this.line = new Float64Array(STAT_COUNT + instance.columnNames.length);
    if (!s.outputDir) return;
    mkdirSync(s.outputDir, { recursive: true });
    const encoder = s.csvThread ? sharedRowEncoder() : null;
    this.writers = Array.from({ length: C }, (_, c) => {
      const path = join(s.outputDir!, `${s.outputName}-${c + 1}.csv`);
      this.files.push(path);
      const w = new StanCsvWriter(path, { encoder });
      w.writeHeader(
        {
          model: `${s.modelName}_model`, numSamples: s.samples, numWarmup: s.warmup, thin: s.thin, adaptDelta: s.adaptDelta,
          maxDepth: s.maxTreedepth, metric: s.metric === 'dense' ? 'dense_e' : 'diag_e', numChains: C, chainId: c + 1,
          seed: s.seed, dataFile: s.dataFile, init: s.userInits ? 'user' : s.initRadius, sigFigs: s.sigFigs,
          outputFile: path, hstanVersion: VERSION, hints,
        },
        [...SAMPLER_STAT_NAMES, ...instance.columnNames],
      );
      return w;
    });
  }

  /** The adapted step size and metric of a chain (written when warmup ends). */
  adaptation(chain: number, stepSize: number, inverseMetric: Float64Array | Float64Array[]): void {
    this.writers?.[chain].writeAdaptation(stepSize, inverseMetric);
    this.adaptationWritten[chain] = true;
  }

  /** A kept post-warmup draw: `position` unconstrained, `stats[offset ..)` the sampler statistics in column order. */
  draw(chain: number, position: ArrayLike<number>, stats: ArrayLike<number>, offset = 0): void {
    const row = this.instance.generate(position, this.gqRng[chain]);
    this.rows[chain].push(row);
    if (this.writers) {
      const line = this.line;
      for (let k = 0; k < STAT_COUNT; k++) line[k] = stats[offset + k];
      line.set(row, STAT_COUNT);
      this.writers[chain].writeDraw(line);
    }
  }

  /** The run is over: adaptation lines still missing (no warmup) and the timing, then close. */
  finish(result: Pick<NutsResult, 'stepSize' | 'inverseMetric' | 'timing'>): void {
    this.writers?.forEach((w, c) => {
      if (!this.adaptationWritten[c]) w.writeAdaptation(result.stepSize[c], result.inverseMetric[c]);
      w.close(result.timing[c]);
    });
  }

  /** The run failed or was cut off: close the files with the rows written so far. */
  abort(): void {
    for (const w of this.writers ?? []) w.close();
  }
}

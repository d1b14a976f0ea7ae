// `hstan pooling MODEL --data DATA.json --group PARAM`: fit the model (partial pooling) and its
// no-pooling and complete-pooling variants, print each group's three estimates and shrinkage,
// and write the shrinkage figure (SVG) and an HTML report.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { parseDataJson } from '../../runtime/data.js';
import { PoolingError, runPooling, formatPoolingTable, writePoolingOutputs, type WideSd } from '../../pooling/index.js';
import { action, intOption, numberOption, UsageError } from '../fail.js';

interface PoolingFlags {
  data?: string;
  group: string;
  /** commander's reading of `--no-pooling FILE`: the file, or `true` when the flag is absent. */
  pooling: string | boolean;
  completePooling?: string;
  wideSd?: string;
  outputDir: string;
  chains: number;
  warmup: number;
  samples: number;
  seed?: number;
  adaptDelta: number;
  sigFigs: number;
  quiet?: boolean;
}

function mustExist(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} '${path}' does not exist`);
}

function readProgram(path: string): { source: string; filename: string } {
  mustExist(path, 'program');
  if (!/\.(hstan|stan)$/.test(path)) throw new UsageError(`${path}: hstan pooling needs a program's source (.hstan or .stan), not a compiled module`);
  return { source: readFileSync(path, 'utf8'), filename: path };
}

function parseWideSd(raw: string | undefined): WideSd | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'flat') return 'flat';
  const x = Number(raw);
  if (!Number.isFinite(x) || x <= 0) throw new UsageError(`--wide-sd must be a positive number or 'flat', got '${raw}'`);
  return x;
}

export function register(program: Command): void {
  program
    .command('pooling')
    .description('compare no, partial and complete pooling of a group parameter: estimates, shrinkage, and a shrinkage plot')
    .argument('<model>', 'the hierarchical (partial-pooling) .hstan program')
    .requiredOption('--group <param>', 'the group parameter, e.g. theta (a vector or one-dimensional array)')
    .option('--data <file>', 'data in Stan JSON format')
    .option('--no-pooling <file>', 'the no-pooling variant (default: derived from the prior on the group parameter)')
    .option('--complete-pooling <file>', 'the complete-pooling variant (default: derived)')
    .option('--wide-sd <sd>', "prior sd of each group effect in a derived no-pooling variant, or 'flat' (default: 10 × (|population mean| + between-group sd) of the partial fit, rounded up)")
    .option('--output-dir <dir>', 'where the SVG, the HTML report and derived programs go', '.')
    .option('--chains <n>', 'chains per fit', intOption('--chains', 1), 4)
    .option('--warmup <n>', 'warmup iterations per chain', intOption('--warmup', 0), 1000)
    .option('--samples <n>', 'kept iterations per chain', intOption('--samples', 1), 1000)
    .option('--seed <n>', 'random seed (same seed, same draws)', intOption('--seed', 0))
    .option('--adapt-delta <x>', 'target acceptance statistic', numberOption('--adapt-delta', 0, 1), 0.8)
    .option('--sig-figs <n>', 'significant figures in the table', intOption('--sig-figs', 1), 3)
    .option('-q, --quiet', 'no progress messages')
    .addHelpText('after', `
Variants not given as files are derived from the prior on PARAM, written in one of these forms:
  PARAM ~ normal(MU, TAU);                      PARAM a parameter vector or array
  vector<offset=MU, multiplier=TAU>[J] PARAM;   with PARAM ~ normal(MU, TAU);
  vector[J] PARAM = MU + TAU * Z;               with Z ~ std_normal();
Complete pooling sets every PARAM[j] to MU; no pooling gives each PARAM[j] a normal(0, WIDE) prior.`)
    .action(
      action((model: string, flags: PoolingFlags) => {
        const wideSd = parseWideSd(flags.wideSd);
        const noPooling = typeof flags.pooling === 'string' ? readProgram(flags.pooling) : undefined;
        if (noPooling && wideSd !== undefined) throw new UsageError('--wide-sd applies to a derived no-pooling variant, not to one given with --no-pooling');
        if (flags.data) mustExist(flags.data, 'data file');
        const data = flags.data ? parseDataJson(readFileSync(flags.data, 'utf8'), flags.data) : {};
        const say = (m: string) => {
          if (!flags.quiet) process.stderr.write(m + '\n');
        };
        try {
          const comparison = runPooling({
            partial: readProgram(model),
            noPooling,
            completePooling: flags.completePooling ? readProgram(flags.completePooling) : undefined,
            data,
            group: flags.group,
            wideSd,
            sample: { chains: flags.chains, warmup: flags.warmup, samples: flags.samples, seed: flags.seed, adaptDelta: flags.adaptDelta },
            onStage: say,
          });
          process.stdout.write('\n' + formatPoolingTable(comparison, { sigFigs: flags.sigFigs }));
          const written = writePoolingOutputs(comparison, flags.outputDir);
          process.stdout.write(`\nwrote ${[written.svg, written.html, ...written.programs].join(', ')}\n`);
        } catch (e) {
          // Refusals of the derivation are the user's to fix: report them like any usage error.
          if (e instanceof PoolingError) throw new UsageError(e.message);
          throw e;
        }
      }),
    );
}

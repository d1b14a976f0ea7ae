/** Errors the sampler reports to users (messages are meant to be shown as they are). */

/** Bad sampler options or a run that cannot continue (improper posterior, broken metric). */
export class SamplerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamplerError';
  }
}

/** No chain start with a finite log density and gradient could be found. */
export class InitializationError extends SamplerError {
  /** The chains (0-based) that failed to initialize. */
  readonly chains: readonly number[];
  constructor(message: string, chains: readonly number[]) {
    super(message);
    this.name = 'InitializationError';
    this.chains = chains;
  }
}

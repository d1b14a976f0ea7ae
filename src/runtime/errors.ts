// Failures while evaluating a program. A sampler treats RuntimeError and RejectError as
// "this point has zero density" (Stan's std::domain_error); FatalRuntimeError stops the run.

/** A domain or size error inside a built-in, e.g. "normal_lpdf: Scale parameter is -1, but must be positive". */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** The program's own `reject(...)`. */
export class RejectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectError';
  }
}

/** The program's `fatal_error(...)`, and index errors Stan treats as fatal: stop, don't retry. */
export class FatalRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalRuntimeError';
  }
}

/** A parameter-dependent branch went different ways in different chains: evaluate chains one by one. */
export class ChainsDiverge extends Error {
  constructor() {
    super('chains take different branches');
    this.name = 'ChainsDiverge';
  }
}

/** Stan-style argument check: `check(cond, 'normal_lpdf', 'Scale parameter', sigma, 'positive')`. */
export function domainError(fn: string, what: string, value: number, must: string): never {
  throw new RuntimeError(`${fn}: ${what} is ${value}, but must be ${must}`);
}

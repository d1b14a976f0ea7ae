/** Raised for draws the diagnostics cannot be computed on (no chains, ragged chains). */
export class DiagnosticsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiagnosticsError';
  }
}

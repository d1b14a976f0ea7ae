// Effective sample size of a (split) chain matrix by Geyer's initial monotone sequence with
// Vehtari et al.'s (2021) improved truncation, transcribed from posterior's `.ess`.
import { addAutocovariances } from './autocovariance.js';
import { type DrawMatrix, shouldReturnNaN } from './draws.js';

export function essOfMatrix(m: DrawMatrix): number {
  const { nChains, nIter: n, values } = m;
  if (n < 3 || shouldReturnNaN(values)) return NaN;

  const acovMeans = new Float64Array(n);
  addAutocovariances(values, nChains, n, acovMeans);
  for (let t = 0; t < n; t++) acovMeans[t] /= nChains;
  const chainMeans = new Float64Array(nChains);
  for (let c = 0; c < nChains; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[c * n + i];
    chainMeans[c] = s / n;
  }

  const meanVar = (acovMeans[0] * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (nChains > 1) {
    let mu = 0;
    for (let c = 0; c < nChains; c++) mu += chainMeans[c];
    mu /= nChains;
    let s = 0;
    for (let c = 0; c < nChains; c++) s += (chainMeans[c] - mu) ** 2;
    varPlus += s / (nChains - 1);
  }

  // Geyer's initial positive sequence over pairs of lags.
  const rho = new Float64Array(n);
  let t = 0;
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - acovMeans[1]) / varPlus;
  rho[1] = rhoOdd;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = 1 - (meanVar - acovMeans[t]) / varPlus;
    rhoOdd = 1 - (meanVar - acovMeans[t + 1]) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  // The last positive even lag enters the improved estimate.
  if (rhoEven > 0) rho[maxT] = rhoEven;

  // Geyer's initial monotone sequence.
  t = 0;
  while (t <= maxT - 4) {
    t += 2;
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }

  const total = nChains * n;
  // R's sum(rho[1:max_t]); for max_t = 0, 1:0 selects just rho[1].
  let sum = 0;
  if (maxT === 0) sum = rho[0];
  else for (let k = 0; k < maxT; k++) sum += rho[k];
  let tau = -1 + 2 * sum + rho[maxT];
  // Cap ESS at S·log10(S) so antithetic chains cannot claim unbounded efficiency.
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

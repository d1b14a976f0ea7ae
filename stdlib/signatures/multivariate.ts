// Multivariate and matrix-variate distributions (densities only; RNGs are in rng.ts).
import { density, signatures } from './dsl.js';

export const MULTIVARIATE = signatures(
  [
    density('multi_normal', 'vectors y', 'vectors mu, matrix Sigma', ['lpdf']),
    density('multi_normal_prec', 'vectors y', 'vectors mu, matrix Omega', ['lpdf']),
    density('multi_normal_cholesky', 'vectors y', 'vectors mu, matrix L', ['lpdf']),
    density('multi_gp', 'matrix y', 'matrix Sigma, vector w', ['lpdf']),
    density('multi_gp_cholesky', 'matrix y', 'matrix L, vector w', ['lpdf']),
    density('multi_student_t', 'vectors y', 'real nu, vectors mu, matrix Sigma', ['lpdf']),
    density('multi_student_t_cholesky', 'vectors y', 'real nu, vectors mu, matrix L', ['lpdf']),
    density('dirichlet', 'vectors theta', 'vectors alpha', ['lpdf']),
    density('lkj_corr', 'matrix y', 'real eta', ['lpdf']),
    density('lkj_corr_cholesky', 'matrix L', 'real eta', ['lpdf']),
    density('wishart', 'matrix W', 'real nu, matrix Sigma', ['lpdf']),
    density('wishart_cholesky', 'matrix L_W', 'real nu, matrix L_S', ['lpdf']),
    density('inv_wishart', 'matrix W', 'real nu, matrix Sigma', ['lpdf']),
    density('inv_wishart_cholesky', 'matrix L_W', 'real nu, matrix L_S', ['lpdf']),
  ].join('\n'),
);

// Scalar mathematics: constants, element-wise functions (each a scalar kernel with its
// analytic partials, lifted over every container shape as one tape node), and the
// reductions over containers (sum, mean, log_sum_exp, softmax, ...), which serve vectors,
// row vectors, matrices and arrays alike.
import { Tensor, Value, isBatched } from '../../src/runtime/tensor.js';
import { mapElementwise, Kernel } from '../../src/runtime/elementwise.js';
import { RuntimeError, ChainsDiverge, domainError } from '../../src/runtime/errors.js';
import { sum as opsSum } from '../../src/runtime/ops.js';
import * as S from '../../src/runtime/special.js';
import type { Builtin, BuiltinTable } from './types.js';
import { withScalarForm } from './types.js';
import { chainOp, val, ten, isIntTyped, typeOf } from './lift.js';

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_PI_OVER_2 = Math.sqrt(Math.PI) / 2;

// ---------------------------------------------------------------------------------------
// Lifting scalar functions.

/** f with derivative df(x, f(x)); `check` throws Stan's domain error for bad input. */
function unary(
  name: string,
  f: (x: number) => number,
  df: (x: number, v: number) => number,
  check?: (x: number) => void,
): Builtin {
  const kernel: Kernel = (x, d) => {
    const a = x[0];
    if (check) check(a);
    const v = f(a);
    if (d) d[0] = df(a, v);
    return v;
  };
  return withScalarForm((args) => {
    const a = val(args[0], name);
    if (typeof a === 'number') {
      if (check) check(a);
      return f(a);
    }
    return mapElementwise([a], kernel, name);
  }, { kernel });
}

/** A kernel over k arguments, lifted element-wise (scalars broadcast against containers). */
function lifted(name: string, kernel: Kernel): Builtin {
  return withScalarForm(
    (args) =>
      mapElementwise(
        args.map((a) => val(a, name)),
        kernel,
        name,
      ),
    { kernel },
  );
}

/**
 * An int-valued function of reals (is_nan, int_step, ...). Ints cannot differ between
 * chains, so parameter-dependent results that disagree make the chains diverge.
 */
function intValued(name: string, f: (x: number) => number): Builtin {
  return (args) => {
    const a = val(args[0], name);
    if (typeof a === 'number') return f(a);
    const n = a.size;
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = f(a.val[k]);
    if (a.batched) {
      const C = a.val.length / Math.max(1, n);
      for (let c = 1; c < C; c++) {
        for (let k = 0; k < n; k++) if (f(a.val[c * n + k]) !== out[k]) throw new ChainsDiverge();
      }
    }
    return a.shape.length === 0 ? out[0] : new Tensor(a.shape, out, false);
  };
}

/** An int-valued function of two scalars (the logical_* forms of the operators). */
function intValued2(name: string, f: (a: number, b: number) => boolean): Builtin {
  return (args) => {
    const a = val(args[0], name);
    const b = val(args[1], name);
    const pick = (x: Value, c: number) => (typeof x === 'number' ? x : x.val[x.batched ? c : 0]);
    const C = Math.max(isBatched(a) ? a.val.length : 1, isBatched(b) ? b.val.length : 1);
    const first = f(pick(a, 0), pick(b, 0));
    for (let c = 1; c < C; c++) if (f(pick(a, c), pick(b, c)) !== first) throw new ChainsDiverge();
    return first ? 1 : 0;
  };
}

const zero = () => 0;

function checkAtLeast(fn: string, what: string, lo: number, loText = String(lo)) {
  return (x: number) => {
    if (x < lo) domainError(fn, what, x, `greater than or equal to ${loText}`);
  };
}
function checkAtMost(fn: string, what: string, hi: number) {
  return (x: number) => {
    if (x > hi) domainError(fn, what, x, `less than or equal to ${hi}`);
  };
}
function checkIn(fn: string, what: string, lo: number, hi: number) {
  return (x: number) => {
    if (!(x >= lo && x <= hi)) domainError(fn, what, x, `in the interval [${lo}, ${hi}]`);
  };
}

/** Stan's round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const INV_E = Math.exp(-1);

const elementwise: BuiltinTable = {
  log: unary('log', Math.log, (x) => 1 / x),
  exp: unary('exp', Math.exp, (_x, v) => v),
  log1p: unary('log1p', Math.log1p, (x) => 1 / (1 + x), checkAtLeast('log1p', 'x', -1)),
  expm1: unary('expm1', Math.expm1, (_x, v) => v + 1),
  exp2: unary(
    'exp2',
    (x) => Math.pow(2, x),
    (_x, v) => v * LN2,
  ),
  sqrt: unary('sqrt', Math.sqrt, (_x, v) => 0.5 / v),
  cbrt: unary('cbrt', Math.cbrt, (_x, v) => 1 / (3 * v * v)),
  square: unary(
    'square',
    (x) => x * x,
    (x) => 2 * x,
  ),
  inv: unary(
    'inv',
    (x) => 1 / x,
    (x) => -1 / (x * x),
  ),
  inv_sqrt: unary(
    'inv_sqrt',
    (x) => 1 / Math.sqrt(x),
    (x, v) => (-0.5 * v) / x,
  ),
  inv_square: unary(
    'inv_square',
    (x) => 1 / (x * x),
    (x) => -2 / (x * x * x),
  ),
  abs: unary('abs', Math.abs, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  floor: unary('floor', Math.floor, zero),
  ceil: unary('ceil', Math.ceil, zero),
  round: unary('round', roundHalfAway, zero),
  trunc: unary('trunc', Math.trunc, zero),
  sin: unary('sin', Math.sin, Math.cos),
  cos: unary('cos', Math.cos, (x) => -Math.sin(x)),
  tan: unary('tan', Math.tan, (_x, v) => 1 + v * v),
  asin: unary('asin', Math.asin, (x) => 1 / Math.sqrt(1 - x * x)),
  acos: unary('acos', Math.acos, (x) => -1 / Math.sqrt(1 - x * x)),
  atan: unary('atan', Math.atan, (x) => 1 / (1 + x * x)),
  sinh: unary('sinh', Math.sinh, Math.cosh),
  cosh: unary('cosh', Math.cosh, Math.sinh),
  tanh: unary('tanh', Math.tanh, (_x, v) => 1 - v * v),
  asinh: unary('asinh', Math.asinh, (x) => 1 / Math.sqrt(x * x + 1)),
  acosh: unary('acosh', Math.acosh, (x) => 1 / Math.sqrt(x * x - 1), checkAtLeast('acosh', 'x', 1)),
  atanh: unary('atanh', Math.atanh, (x) => 1 / (1 - x * x), checkIn('atanh', 'x', -1, 1)),
  erf: unary('erf', S.erf, (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x)),
  erfc: unary('erfc', S.erfc, (x) => -TWO_OVER_SQRT_PI * Math.exp(-x * x)),
  inv_erfc: unary('inv_erfc', S.invErfc, (_x, v) => -SQRT_PI_OVER_2 * Math.exp(v * v), checkIn('inv_erfc', 'x', 0, 2)),
  Phi: unary('Phi', S.Phi, (x) => S.INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x)),
  Phi_approx: unary('Phi_approx', S.PhiApprox, (x) => {
    const u = 0.07056 * x * x * x + 1.5976 * x;
    return S.invLogit(u) * S.invLogit(-u) * (3 * 0.07056 * x * x + 1.5976);
  }),
  inv_Phi: unary(
    'inv_Phi',
    S.invPhi,
    (_x, v) => S.SQRT_TWO_PI * Math.exp(0.5 * v * v),
    checkIn('inv_Phi', 'Probability variable', 0, 1),
  ),
  std_normal_qf: unary(
    'std_normal_qf',
    S.invPhi,
    (_x, v) => S.SQRT_TWO_PI * Math.exp(0.5 * v * v),
    checkIn('std_normal_qf', 'Probability variable', 0, 1),
  ),
  std_normal_log_qf: unary(
    'std_normal_log_qf',
    S.invPhiLog,
    (x, v) => S.SQRT_TWO_PI * Math.exp(x + 0.5 * v * v),
    checkAtMost('std_normal_log_qf', 'Log probability variable', 0),
  ),
  inv_logit: unary('inv_logit', S.invLogit, (x) => S.invLogit(x) * S.invLogit(-x)),
  logit: unary('logit', S.logit, (x) => 1 / (x - x * x)),
  log_inv_logit: unary('log_inv_logit', S.logInvLogit, (x) => S.invLogit(-x)),
  log1m_inv_logit: unary('log1m_inv_logit', S.log1mInvLogit, (x) => -S.invLogit(x)),
  inv_cloglog: unary(
    'inv_cloglog',
    (x) => -Math.expm1(-Math.exp(x)),
    (x) => Math.exp(x - Math.exp(x)),
  ),
  log1m: unary('log1m', S.log1m, (x) => -1 / (1 - x), checkAtMost('log1m', 'x', 1)),
  log1p_exp: unary('log1p_exp', S.log1pExp, (x) => S.invLogit(x)),
  log1m_exp: unary('log1m_exp', S.log1mExp, (x) => -1 / Math.expm1(-x)),
  lgamma: unary('lgamma', S.lgamma, (x) => S.digamma(x)),
  tgamma: unary(
    'tgamma',
    S.tgamma,
    (x, v) => v * S.digamma(x),
    (x) => {
      if (x === 0 || (x < 0 && Number.isInteger(x))) domainError('tgamma', 'x', x, 'not 0 or a negative integer');
    },
  ),
  digamma: unary('digamma', S.digamma, (x) => S.trigamma(x)),
  trigamma: unary('trigamma', S.trigamma, (x) => S.tetragamma(x)),
  lambert_w0: unary(
    'lambert_w0',
    S.lambertW0,
    (x, w) => (x === 0 ? 1 : w / (x * (1 + w))),
    checkAtLeast('lambert_w0', 'x', -INV_E, '-1/e'),
  ),
  lambert_wm1: unary(
    'lambert_wm1',
    S.lambertWm1,
    (x, w) => w / (x * (1 + w)),
    (x) => {
      if (!(x >= -INV_E && x < 0)) domainError('lambert_wm1', 'x', x, 'in the interval [-1/e, 0)');
    },
  ),
  step: unary('step', (x) => (x < 0 ? 0 : 1), zero),
  int_step: intValued('int_step', (x) => (x > 0 ? 1 : 0)),
  is_inf: intValued('is_inf', (x) => (x === Infinity || x === -Infinity ? 1 : 0)),
  is_nan: intValued('is_nan', (x) => (Number.isNaN(x) ? 1 : 0)),
  signum: intValued('signum', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  logical_negation: intValued('logical_negation', (x) => (x === 0 ? 1 : 0)),
  logical_or: intValued2('logical_or', (a, b) => a !== 0 || b !== 0),
  logical_and: intValued2('logical_and', (a, b) => a !== 0 && b !== 0),
  logical_eq: intValued2('logical_eq', (a, b) => a === b),
  logical_neq: intValued2('logical_neq', (a, b) => a !== b),
  logical_lt: intValued2('logical_lt', (a, b) => a < b),
  logical_lte: intValued2('logical_lte', (a, b) => a <= b),
  logical_gt: intValued2('logical_gt', (a, b) => a > b),
  logical_gte: intValued2('logical_gte', (a, b) => a >= b),
};
// Deprecated spelling (the checker renames it, but a direct call still works).
elementwise.fabs = elementwise.abs;

// log2(x) and log10(x) share their names with the constants log2() and log10().
const log2Fn = unary('log2', Math.log2, (x) => 1 / (x * LN2));
const log10Fn = unary('log10', Math.log10, (x) => 1 / (x * LN10));

// ---------------------------------------------------------------------------------------
// Two- and three-argument functions.

const powK: Kernel = (x, d) => {
  const a = x[0];
  const b = x[1];
  const v = Math.pow(a, b);
  if (d) {
    d[0] = b === 0 ? 0 : b * Math.pow(a, b - 1);
    d[1] = a === 0 ? 0 : v * Math.log(a);
  }
  return v;
};

const fdimK: Kernel = (x, d) => {
  if (Number.isNaN(x[0]) || Number.isNaN(x[1])) {
    if (d) d[0] = d[1] = NaN;
    return NaN;
  }
  const pos = x[0] > x[1];
  if (d) {
    d[0] = pos ? 1 : 0;
    d[1] = pos ? -1 : 0;
  }
  return pos ? x[0] - x[1] : 0;
};

/** fmin/fmax: NaN-ignoring choice; the gradient goes to the chosen argument. */
function chooseK(pickFirst: (a: number, b: number) => boolean): Kernel {
  return (x, d) => {
    const a = x[0];
    const b = x[1];
    const first = Number.isNaN(b) || (!Number.isNaN(a) && pickFirst(a, b));
    if (d) {
      d[0] = first ? 1 : 0;
      d[1] = first ? 0 : 1;
    }
    return first ? a : b;
  };
}
const fminK = chooseK((a, b) => a <= b);
const fmaxK = chooseK((a, b) => a >= b);

const fmodK: Kernel = (x, d) => {
  if (d) {
    d[0] = 1;
    d[1] = -Math.trunc(x[0] / x[1]);
  }
  return x[0] % x[1];
};

const hypotK: Kernel = (x, d) => {
  const v = Math.hypot(x[0], x[1]);
  if (d) {
    d[0] = x[0] / v;
    d[1] = x[1] / v;
  }
  return v;
};

const atan2K: Kernel = (x, d) => {
  const y = x[0];
  const z = x[1];
  if (d) {
    const r = y * y + z * z;
    d[0] = z / r;
    d[1] = -y / r;
  }
  return Math.atan2(y, z);
};

const lbetaK: Kernel = (x, d) => {
  if (d) {
    const p = S.digamma(x[0] + x[1]);
    d[0] = S.digamma(x[0]) - p;
    d[1] = S.digamma(x[1]) - p;
  }
  return S.lbeta(x[0], x[1]);
};

const betaK: Kernel = (x, d) => {
  const v = Math.exp(S.lbeta(x[0], x[1]));
  if (d) {
    const p = S.digamma(x[0] + x[1]);
    d[0] = v * (S.digamma(x[0]) - p);
    d[1] = v * (S.digamma(x[1]) - p);
  }
  return v;
};

const lchooseK: Kernel = (x, d) => {
  const n = x[0];
  const k = x[1];
  if (!Number.isNaN(n) && !Number.isNaN(k)) {
    if (n < -1) domainError('lchoose', 'first argument', n, 'greater than or equal to -1');
    if (k < -1) domainError('lchoose', 'second argument', k, 'greater than or equal to -1');
    if (n - k + 1 < 0)
      domainError('lchoose', '(first argument - second argument + 1)', n - k + 1, 'greater than or equal to 0');
  }
  if (d) {
    const m = S.digamma(n - k + 1);
    d[0] = S.digamma(n + 1) - m;
    d[1] = m - S.digamma(k + 1);
  }
  return S.binomialCoefficientLog(n, k);
};

const lmultiplyK: Kernel = (x, d) => {
  const a = x[0];
  const b = x[1];
  if (d) {
    d[0] = Math.log(b);
    d[1] = a / b;
  }
  return a === 0 && b === 0 ? 0 : a * Math.log(b);
};

const logDiffExpK: Kernel = (x, d) => {
  const a = x[0];
  const b = x[1];
  if (d) {
    if (b === -Infinity) {
      d[0] = 1;
      d[1] = 0;
    } else {
      d[0] = -1 / Math.expm1(b - a);
      d[1] = -1 / Math.expm1(a - b);
    }
  }
  return S.logDiffExp(a, b);
};

const logSumExp2K: Kernel = (x, d) => {
  const v = S.logSumExp(x[0], x[1]);
  if (d) {
    d[0] = v === -Infinity ? 0 : Math.exp(x[0] - v);
    d[1] = v === -Infinity ? 0 : Math.exp(x[1] - v);
  }
  return v;
};

const logInvLogitDiffK: Kernel = (x, d) => {
  const a = x[0];
  const b = x[1];
  if (d) {
    d[0] = -1 / Math.expm1(b - a) - S.invLogit(a);
    d[1] = -1 / Math.expm1(a - b) - S.invLogit(b);
  }
  return a - S.log1pExp(a) + S.log1mExp(b - a) - S.log1pExp(b);
};

const owensTK: Kernel = (x, d) => {
  const h = x[0];
  const a = x[1];
  if (d) {
    d[0] = -S.INV_SQRT_TWO_PI * Math.exp(-0.5 * h * h) * 0.5 * S.erf(a * h * S.INV_SQRT_TWO);
    const q = 1 + a * a;
    d[1] = Math.exp(-0.5 * h * h * q) / (2 * Math.PI * q);
  }
  return S.owensT(h, a);
};

const gammaScratch = new Float64Array(3);
function gammaPQ(upper: boolean): Kernel {
  const fn = upper ? 'gamma_q' : 'gamma_p';
  return (x, d) => {
    const a = x[0];
    const z = x[1];
    if (!(a > 0)) domainError(fn, 'first argument', a, 'positive');
    if (!(z >= 0)) domainError(fn, 'second argument', z, 'nonnegative');
    S.gammaPGrad(a, z, gammaScratch);
    if (d) {
      const dz = S.gammaPDerivX(a, z);
      d[0] = upper ? -gammaScratch[2] : gammaScratch[2];
      d[1] = upper ? -dz : dz;
    }
    return upper ? gammaScratch[1] : gammaScratch[0];
  };
}

const betaScratch = new Float64Array(3);
const incBetaK: Kernel = (x, d) => {
  const a = x[0];
  const b = x[1];
  const z = x[2];
  if (!(a > 0)) domainError('inc_beta', 'first argument', a, 'positive');
  if (!(b > 0)) domainError('inc_beta', 'second argument', b, 'positive');
  if (!(z >= 0 && z <= 1)) domainError('inc_beta', 'third argument', z, 'in the interval [0, 1]');
  S.betaIncGrad(a, b, z, betaScratch);
  if (d) {
    d[0] = betaScratch[1];
    d[1] = betaScratch[2];
    d[2] = S.betaIncDerivX(a, b, z);
  }
  return betaScratch[0];
};

const logFallingK: Kernel = (x, d) => {
  const a = x[0];
  const n = x[1];
  if (!Number.isNaN(a) && !Number.isNaN(n) && !(a > 0))
    domainError('log_falling_factorial', 'first argument', a, 'positive');
  if (d) {
    const m = S.digamma(a - n + 1);
    d[0] = S.digamma(a + 1) - m;
    d[1] = m;
  }
  return S.lgamma(a + 1) - S.lgamma(a - n + 1);
};

const logRisingK: Kernel = (x, d) => {
  const a = x[0];
  const n = x[1];
  if (!Number.isNaN(a) && !Number.isNaN(n) && !(a > 0))
    domainError('log_rising_factorial', 'first argument', a, 'positive');
  if (d) {
    const p = S.digamma(a + n);
    d[0] = p - S.digamma(a);
    d[1] = p;
  }
  return S.lgamma(a + n) - S.lgamma(a);
};

/** x(x∓1)...(x∓(n-1)) and its derivative by prefix/suffix products (no division by a zero factor). */
function factorialProduct(fn: string, sign: number): Kernel {
  return (x, d) => {
    const a = x[0];
    const n = x[1];
    if (!(n >= 0) || !Number.isInteger(n)) domainError(fn, 'second argument', n, 'nonnegative');
    let v = 1;
    for (let i = 0; i < n; i++) v *= a + sign * i;
    if (d) {
      let deriv = 0;
      let prefix = 1;
      const suffix = new Float64Array(n + 1);
      suffix[n] = 1;
      for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] * (a + sign * i);
      for (let i = 0; i < n; i++) {
        deriv += prefix * suffix[i + 1];
        prefix *= a + sign * i;
      }
      d[0] = deriv;
      d[1] = 0;
    }
    return v;
  };
}

const fmaK: Kernel = (x, d) => {
  if (d) {
    d[0] = x[1];
    d[1] = x[0];
    d[2] = 1;
  }
  return x[0] * x[1] + x[2];
};

const logMix3K: Kernel = (x, d) => {
  const t = x[0];
  const l1 = x[1];
  const l2 = x[2];
  if (!(t >= 0 && t <= 1)) domainError('log_mix', 'theta', t, 'in the interval [0, 1]');
  const a = Math.log(t) + l1;
  const b = S.log1m(t) + l2;
  const v = S.logSumExp(a, b);
  if (d) {
    const e1 = Math.exp(l1 - v);
    const e2 = Math.exp(l2 - v);
    d[0] = e1 - e2;
    d[1] = t * e1;
    d[2] = (1 - t) * e2;
  }
  return v;
};

const binaryLogLossK: Kernel = (x, d) => {
  const y = x[0];
  const p = x[1];
  if (!(y === 0 || y === 1)) domainError('binary_log_loss', 'y', y, 'in the interval [0, 1]');
  if (!(p >= 0 && p <= 1)) domainError('binary_log_loss', 'y_hat', p, 'in the interval [0, 1]');
  if (d) {
    d[0] = 0;
    d[1] = y === 1 ? -1 / p : 1 / (1 - p);
  }
  return y === 1 ? -Math.log(p) : -Math.log1p(-p);
};

const lmgammaK: Kernel = (x, d) => {
  const k = x[0];
  const a = x[1];
  if (d) {
    let s = 0;
    for (let j = 1; j <= k; j++) s += S.digamma(a + (1 - j) / 2);
    d[0] = 0;
    d[1] = s;
  }
  return S.lmgamma(k, a);
};

const logBesselIK: Kernel = (x, d) => {
  const v = x[0];
  const z = x[1];
  if (!(v >= 0)) domainError('log_modified_bessel_first_kind', 'first argument (order)', v, 'nonnegative');
  if (!(z >= 0)) domainError('log_modified_bessel_first_kind', 'second argument (variable)', z, 'nonnegative');
  const lv = S.logBesselI(v, z);
  if (d) {
    // I_v'(z) = I_{v+1}(z) + (v/z) I_v(z); the order is not differentiated (Stan: data in practice).
    d[0] = NaN;
    d[1] =
      z === 0
        ? v === 0
          ? 0
          : v === 1
            ? 0.5 * Math.exp(-lv)
            : Infinity
        : Math.exp(S.logBesselI(v + 1, z) - lv) + v / z;
    if (z === 0 && v === 0) d[1] = 0;
  }
  return lv;
};

/** Bessel functions of integer order v (data) in x, with the recurrence-based x-derivative. */
function besselKernel(
  fn: string,
  f: (v: number, x: number) => number,
  deriv: (v: number, x: number) => number,
  positive: boolean,
): Kernel {
  return (x, d) => {
    const v = x[0];
    const z = x[1];
    if (!Number.isInteger(v)) domainError(fn, 'first argument (order)', v, 'an integer');
    if (positive && !(z > 0)) domainError(fn, 'second argument (variable)', z, 'positive');
    if (d) {
      d[0] = 0;
      d[1] = deriv(v, z);
    }
    return f(v, z);
  };
}

const besselJK = besselKernel(
  'bessel_first_kind',
  S.besselJ,
  (v, z) => 0.5 * (S.besselJ(v - 1, z) - S.besselJ(v + 1, z)),
  false,
);
const besselYK = besselKernel(
  'bessel_second_kind',
  S.besselY,
  (v, z) => 0.5 * (S.besselY(v - 1, z) - S.besselY(v + 1, z)),
  true,
);
const besselIK = besselKernel(
  'modified_bessel_first_kind',
  S.besselI,
  (v, z) => 0.5 * (S.besselI(v - 1, z) + S.besselI(v + 1, z)),
  false,
);
const besselKK = besselKernel(
  'modified_bessel_second_kind',
  S.besselK,
  (v, z) => -0.5 * (S.besselK(v - 1, z) + S.besselK(v + 1, z)),
  true,
);

/** choose(n, k) on ints: exact product while it fits, Stan's int-range check. */
function choose(n: number, k: number): number {
  if (n < 0) domainError('choose', 'first argument', n, 'nonnegative');
  if (k < 0) domainError('choose', 'second argument', k, 'nonnegative');
  if (k > n) return 0;
  const m = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= m; i++) r = (r * (n - m + i)) / i;
  r = Math.round(r);
  if (r > 2147483647) domainError('choose', 'n choose k', r, 'less than or equal to 2147483647');
  return r;
}

/** min/max of two values; ints stay ints. */
function minMax2(name: string, kernel: Kernel): Builtin {
  return (args) => {
    const a = val(args[0], name);
    const b = val(args[1], name);
    if (typeof a === 'number' && typeof b === 'number') {
      if (name === 'min') return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
      return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    }
    return mapElementwise([a, b], kernel, name);
  };
}

/** min/max of two reals: NaN if either is (unlike fmin/fmax); the gradient goes to the chosen one. */
function extremeK(pickFirst: (a: number, b: number) => boolean): Kernel {
  return (x, d) => {
    const a = x[0];
    const b = x[1];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (d) d[0] = d[1] = NaN;
      return NaN;
    }
    const first = pickFirst(a, b);
    if (d) {
      d[0] = first ? 1 : 0;
      d[1] = first ? 0 : 1;
    }
    return first ? a : b;
  };
}
const minK = extremeK((a, b) => a <= b);
const maxK = extremeK((a, b) => a >= b);

/** to_int: truncation toward zero, within the range of int (data only). */
const toInt: Builtin = (args) => {
  const a = val(args[0], 'to_int');
  const conv = (x: number) => {
    if (!(x >= -2147483648 && x <= 2147483647)) domainError('to_int', 'x', x, 'within the range of int');
    return Math.trunc(x);
  };
  if (typeof a === 'number') return conv(a);
  if (a.batched) throw new RuntimeError('to_int: argument must be data');
  return new Tensor(a.shape, a.val.map(conv), false);
};

const binary: BuiltinTable = {
  pow: lifted('pow', powK),
  fdim: lifted('fdim', fdimK),
  fmin: lifted('fmin', fminK),
  fmax: lifted('fmax', fmaxK),
  fmod: lifted('fmod', fmodK),
  hypot: lifted('hypot', hypotK),
  atan2: lifted('atan2', atan2K),
  lbeta: lifted('lbeta', lbetaK),
  beta: lifted('beta', betaK),
  lchoose: lifted('lchoose', lchooseK),
  lmultiply: lifted('lmultiply', lmultiplyK),
  log_diff_exp: lifted('log_diff_exp', logDiffExpK),
  log_inv_logit_diff: lifted('log_inv_logit_diff', logInvLogitDiffK),
  owens_t: lifted('owens_t', owensTK),
  gamma_p: lifted('gamma_p', gammaPQ(false)),
  gamma_q: lifted('gamma_q', gammaPQ(true)),
  inc_beta: lifted('inc_beta', incBetaK),
  log_falling_factorial: lifted('log_falling_factorial', logFallingK),
  log_rising_factorial: lifted('log_rising_factorial', logRisingK),
  falling_factorial: lifted('falling_factorial', factorialProduct('falling_factorial', -1)),
  rising_factorial: lifted('rising_factorial', factorialProduct('rising_factorial', 1)),
  fma: lifted('fma', fmaK),
  binary_log_loss: lifted('binary_log_loss', binaryLogLossK),
  lmgamma: lifted('lmgamma', lmgammaK),
  log_modified_bessel_first_kind: (args, ctx) => {
    // d/dv log I_v(z) has no closed form; Stan programs pass the order as data in practice.
    if (isBatched(val(args[0], 'log_modified_bessel_first_kind'))) {
      throw new RuntimeError(
        'log_modified_bessel_first_kind: hstan supports a parameter only as the second argument (z), not the order',
      );
    }
    return lifted('log_modified_bessel_first_kind', logBesselIK)(args, ctx);
  },
  bessel_first_kind: lifted('bessel_first_kind', besselJK),
  bessel_second_kind: lifted('bessel_second_kind', besselYK),
  modified_bessel_first_kind: lifted('modified_bessel_first_kind', besselIK),
  modified_bessel_second_kind: lifted('modified_bessel_second_kind', besselKK),
  choose: (args) => {
    const n = val(args[0], 'choose');
    const k = val(args[1], 'choose');
    if (typeof n === 'number' && typeof k === 'number') return choose(n, k);
    return mapElementwise([n, k], (x) => choose(x[0], x[1]), 'choose');
  },
  to_int: toInt,
};
binary.multiply_log = binary.lmultiply;
binary.binomial_coefficient_log = binary.lchoose;

// ---------------------------------------------------------------------------------------
// Reductions over any container (vector, row_vector, matrix, array of reals or ints).

function nonEmpty(fn: string, x: Tensor): void {
  if (x.size === 0) throw new RuntimeError(`${fn}: x has size 0, but must have a non-zero size`);
}

const prod: Builtin = (args) => {
  const x = ten(args[0], 'prod');
  const n = x.size;
  return chainOp(
    [x],
    [],
    (xs, out) => {
      let p = 1;
      for (let i = 0; i < n; i++) p *= xs[0][i];
      out[0] = p;
    },
    (xs, _out, g, gx) => {
      // ∂/∂x_i = product of the others, by prefix and suffix products.
      const v = xs[0];
      const gi = gx[0]!;
      const suffix = new Float64Array(n + 1);
      suffix[n] = 1;
      for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] * v[i];
      let prefix = 1;
      for (let i = 0; i < n; i++) {
        gi[i] += g[0] * prefix * suffix[i + 1];
        prefix *= v[i];
      }
    },
  );
};

const mean: Builtin = (args) => {
  const x = ten(args[0], 'mean');
  nonEmpty('mean', x);
  const n = x.size;
  return chainOp(
    [x],
    [],
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += xs[0][i];
      out[0] = s / n;
    },
    (_xs, _out, g, gx) => {
      const gi = gx[0]!;
      for (let i = 0; i < n; i++) gi[i] += g[0] / n;
    },
  );
};

/** Sample variance (n-1 denominator); sd when `root`. */
function spread(fn: string, root: boolean): Builtin {
  return (args) => {
    const x = ten(args[0], fn);
    nonEmpty(fn, x);
    const n = x.size;
    if (n === 1) return isBatched(x) ? chainOp([x], [], (_x, out) => (out[0] = 0), null) : 0;
    return chainOp(
      [x],
      [],
      (xs, out) => {
        const v = xs[0];
        let m = 0;
        for (let i = 0; i < n; i++) m += v[i];
        m /= n;
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (v[i] - m) * (v[i] - m);
        const variance = ss / (n - 1);
        out[0] = root ? Math.sqrt(variance) : variance;
      },
      (xs, out, g, gx) => {
        const v = xs[0];
        let m = 0;
        for (let i = 0; i < n; i++) m += v[i];
        m /= n;
        const gi = gx[0]!;
        // var: 2 (x_i - m)/(n-1); sd: (x_i - m)/((n-1) sd)
        const f = root ? (out[0] === 0 ? 0 : 1 / ((n - 1) * out[0])) : 2 / (n - 1);
        for (let i = 0; i < n; i++) gi[i] += g[0] * f * (v[i] - m);
      },
    );
  };
}

const logSumExp: Builtin = (args) => {
  if (args.length === 2)
    return mapElementwise([val(args[0], 'log_sum_exp'), val(args[1], 'log_sum_exp')], logSumExp2K, 'log_sum_exp');
  const x = ten(args[0], 'log_sum_exp');
  const n = x.size;
  return chainOp(
    [x],
    [],
    (xs, out) => {
      out[0] = S.logSumExpArray(xs[0], 0, n);
    },
    (xs, out, g, gx) => {
      const gi = gx[0]!;
      const v = out[0];
      if (v === -Infinity) return;
      for (let i = 0; i < n; i++) gi[i] += g[0] * Math.exp(xs[0][i] - v);
    },
  );
};

/** min/max over a container: ints give ints (error when empty), reals ±inf when empty. */
function extremum(fn: 'min' | 'max'): Builtin {
  const better = fn === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  const pair = minMax2(fn, fn === 'min' ? minK : maxK);
  return (args, ctx) => {
    if (args.length === 2) return pair(args, ctx);
    const x = ten(args[0], fn);
    const n = x.size;
    if (n === 0) {
      if (isIntTyped(typeOf(ctx, 0))) throw new RuntimeError(`${fn}: int array can't be empty`);
      return fn === 'min' ? Infinity : -Infinity;
    }
    const argbest = (v: Float64Array) => {
      let b = 0;
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(v[i])) return i;
        if (better(v[i], v[b])) b = i;
      }
      return b;
    };
    return chainOp(
      [x],
      [],
      (xs, out) => {
        out[0] = xs[0][argbest(xs[0])];
      },
      (xs, _out, g, gx) => {
        gx[0]![argbest(xs[0])] += g[0];
      },
    );
  };
}

const norm1: Builtin = (args) => {
  const x = ten(args[0], 'norm1');
  const n = x.size;
  return chainOp(
    [x],
    [],
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(xs[0][i]);
      out[0] = s;
    },
    (xs, _out, g, gx) => {
      for (let i = 0; i < n; i++) gx[0]![i] += g[0] * Math.sign(xs[0][i]);
    },
  );
};

const norm2: Builtin = (args) => {
  const x = ten(args[0], 'norm2');
  const n = x.size;
  return chainOp(
    [x],
    [],
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += xs[0][i] * xs[0][i];
      out[0] = Math.sqrt(s);
    },
    (xs, out, g, gx) => {
      if (out[0] === 0) return;
      for (let i = 0; i < n; i++) gx[0]![i] += (g[0] * xs[0][i]) / out[0];
    },
  );
};

const softmax: Builtin = (args) => {
  const x = ten(args[0], 'softmax');
  const n = x.size;
  if (n === 0) throw new RuntimeError('softmax: v has size 0, but must have a non-zero size');
  return chainOp(
    [x],
    x.shape,
    (xs, out) => {
      const lse = S.logSumExpArray(xs[0], 0, n);
      for (let i = 0; i < n; i++) out[i] = Math.exp(xs[0][i] - lse);
    },
    (_xs, s, g, gx) => {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += g[i] * s[i];
      for (let i = 0; i < n; i++) gx[0]![i] += s[i] * (g[i] - dot);
    },
  );
};

const logSoftmax: Builtin = (args) => {
  const x = ten(args[0], 'log_softmax');
  const n = x.size;
  if (n === 0) throw new RuntimeError('log_softmax: v has size 0, but must have a non-zero size');
  return chainOp(
    [x],
    x.shape,
    (xs, out) => {
      const lse = S.logSumExpArray(xs[0], 0, n);
      for (let i = 0; i < n; i++) out[i] = xs[0][i] - lse;
    },
    (_xs, y, g, gx) => {
      let total = 0;
      for (let i = 0; i < n; i++) total += g[i];
      for (let i = 0; i < n; i++) gx[0]![i] += g[i] - Math.exp(y[i]) * total;
    },
  );
};

const cumulativeSum: Builtin = (args) => {
  const x = ten(args[0], 'cumulative_sum');
  const n = x.size;
  return chainOp(
    [x],
    x.shape,
    (xs, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) out[i] = s += xs[0][i];
    },
    (_xs, _out, g, gx) => {
      let s = 0;
      for (let i = n - 1; i >= 0; i--) {
        s += g[i];
        gx[0]![i] += s;
      }
    },
  );
};

/**
 * log_mix(theta, lp): log Σ_k theta_k exp(lp_k). With lps an array of N vectors (shape
 * [N, K]), the sum over n of log_mix(theta, lps[n]).
 */
const logMix: Builtin = (args) => {
  if (args.length === 3)
    return mapElementwise(
      args.map((a) => val(a, 'log_mix')),
      logMix3K,
      'log_mix',
    );
  const theta = ten(args[0], 'log_mix');
  const lps = ten(args[1], 'log_mix');
  const K = theta.size;
  // An array of vectors is [N, K]; a single vector or array of reals is [K].
  const nested = lps.shape.length === 2;
  const N = nested ? lps.shape[0] : 1;
  const inner = nested ? lps.shape[1] : lps.size;
  if (inner !== K) {
    throw new RuntimeError(`log_mix: theta has size ${K}, but lambda has elements of size ${inner}; they must match`);
  }
  const checkTheta = (t: Float64Array) => {
    for (let k = 0; k < K; k++)
      if (!(t[k] >= 0 && t[k] <= 1)) domainError('log_mix', 'theta', t[k], 'in the interval [0, 1]');
  };
  return chainOp(
    [theta, lps],
    [],
    (xs, out) => {
      const t = xs[0];
      const l = xs[1];
      checkTheta(t);
      let total = 0;
      for (let n = 0; n < N; n++) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, Math.log(t[k]) + l[n * K + k]);
        if (m === -Infinity) {
          total = -Infinity;
          continue;
        }
        let s = 0;
        for (let k = 0; k < K; k++) s += t[k] * Math.exp(l[n * K + k] - m);
        total += m + Math.log(s);
      }
      out[0] = total;
    },
    (xs, _out, g, gx) => {
      const t = xs[0];
      const l = xs[1];
      for (let n = 0; n < N; n++) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, Math.log(t[k]) + l[n * K + k]);
        if (m === -Infinity) continue;
        let s = 0;
        for (let k = 0; k < K; k++) s += t[k] * Math.exp(l[n * K + k] - m);
        const v = m + Math.log(s);
        for (let k = 0; k < K; k++) {
          const e = Math.exp(l[n * K + k] - v);
          if (gx[0]) gx[0][k] += g[0] * e;
          if (gx[1]) gx[1][n * K + k] += g[0] * t[k] * e;
        }
      }
    },
  );
};

const sum: Builtin = (args) => {
  const x = val(args[0], 'sum');
  return opsSum(x);
};

const reductions: BuiltinTable = {
  sum,
  prod,
  mean,
  variance: spread('variance', false),
  sd: spread('sd', true),
  log_sum_exp: withScalarForm(logSumExp, { kernel: logSumExp2K, arity: 2 }),
  min: extremum('min'),
  max: extremum('max'),
  norm1,
  norm2,
  softmax,
  log_softmax: logSoftmax,
  cumulative_sum: cumulativeSum,
  log_mix: withScalarForm(logMix, { kernel: logMix3K, arity: 3 }),
};

// ---------------------------------------------------------------------------------------
// Constants (and the one-argument forms of log2/log10).

function constant(v: number): Builtin {
  return () => v;
}

const constants: BuiltinTable = {
  pi: constant(Math.PI),
  e: constant(Math.E),
  sqrt2: constant(Math.SQRT2),
  not_a_number: constant(NaN),
  positive_infinity: constant(Infinity),
  negative_infinity: constant(-Infinity),
  machine_precision: constant(2.220446049250313e-16),
  log2: (args, ctx) => (args.length === 0 ? LN2 : log2Fn(args, ctx)),
  log10: (args, ctx) => (args.length === 0 ? LN10 : log10Fn(args, ctx)),
};

export const table: BuiltinTable = { ...elementwise, ...binary, ...reductions, ...constants };

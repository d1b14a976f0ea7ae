// Numbers as CmdStan prints them: a C++ ostream at `precision` significant digits, i.e. printf's
// %g (shortest of fixed/scientific, trailing zeros dropped, two-digit exponents, nan/inf).

/** Adds one unit in the last place to a string of decimal digits; returns the carry. */
function incrementDigits(digits: string): { digits: string; carry: boolean } {
  const d = digits.split('');
  for (let i = d.length - 1; i >= 0; i--) {
    if (d[i] !== '9') {
      d[i] = String.fromCharCode(d[i].charCodeAt(0) + 1);
      return { digits: d.join(''), carry: false };
    }
    d[i] = '0';
  }
  return { digits: '1' + d.join('').slice(0, -1), carry: true };
}

/**
 * The first `p` significant digits of |x| and its decimal exponent, rounded half to even on
 * exact ties as glibc's printf does (JavaScript's toExponential rounds ties away from zero).
 * Exact for every double and precision, but slow: the fallback of `fastDigits`.
 */
function exactDigits(ax: number, p: number): { digits: string; exp: number } {
  // One digit more than needed decides the rounding, unless it is a 5: then look far enough
  // to tell an exact tie (only dyadic values with short expansions) from a value above it.
  let s = ax.toExponential(p);
  let ePos = s.indexOf('e');
  let m = s.slice(0, ePos).replace('.', '');
  if (m[p] === '5') {
    s = ax.toExponential(Math.min(p + 40, 100));
    ePos = s.indexOf('e');
    m = s.slice(0, ePos).replace('.', '');
  }
  let exp = Number(s.slice(ePos + 1));
  const next = m[p];
  const rest = m.slice(p + 1);
  let kept = m.slice(0, p);
  const up = next > '5' || (next === '5' && (/[1-9]/.test(rest) || Number(kept[p - 1]) % 2 === 1));
  if (up) {
    const inc = incrementDigits(kept);
    kept = inc.digits;
    if (inc.carry) exp += 1;
  }
  return { digits: kept, exp };
}

/** 10^k for k = 0..308, each the correctly rounded double (exact up to 10^22). */
const POW10 = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));

/** The fast path handles precisions up to this (its scaled value must keep a fraction). */
const FAST_MAX_PRECISION = 12;

/**
 * Rounding in floating point: ax * 10^(p-1-exp) has a relative error below 2^-52 (one
 * rounding, plus one for powers of ten above 10^22), so unless it lies within
 * this relative distance of a rounding boundary (x.5), rounding it gives the digits the exact
 * value rounds to.
 */
const BOUNDARY_MARGIN = 2 ** -49;

/** Set by `fastDigits`: the digits as an integer of exactly p digits, and the decimal exponent. */
let fastMantissa = 0;
let fastExponent = 0;

/**
 * The first p significant digits of ax > 0 (finite, p <= FAST_MAX_PRECISION) and its
 * decimal exponent, into fastMantissa and fastExponent, without converting to a string.
 * Returns false when the value is too close to a rounding boundary (or too large or small)
 * to decide in floating point; exactDigits must decide then.
 */
function fastDigits(ax: number, p: number): boolean {
  let exp = Math.floor(Math.log10(ax));
  if (exp > 290 || exp < -290) return false;
  const low = POW10[p - 1];
  const high = POW10[p];
  // log10 can be one off next to powers of ten: correct exp until the scaled value has p digits.
  for (let attempt = 0; attempt < 3; attempt++) {
    const k = p - 1 - exp;
    const scaled = k >= 0 ? ax * POW10[k] : ax / POW10[-k];
    if (scaled < low) {
      exp--;
      continue;
    }
    if (scaled >= high) {
      exp++;
      continue;
    }
    const whole = Math.floor(scaled);
    const fraction = scaled - whole;
    if (Math.abs(fraction - 0.5) <= scaled * BOUNDARY_MARGIN) return false;
    let m = fraction > 0.5 ? whole + 1 : whole;
    if (m === high) {
      // Rounded up to the next power of ten (9.999995 → 10.0000).
      m = low;
      exp++;
    }
    fastMantissa = m;
    fastExponent = exp;
    return true;
  }
  return false;
}

/** printf %g's layout of the significant digits `digits` (no trailing zeros) times 10^exp. */
function layout(digits: string, exp: number, p: number): string {
  if (exp < -4 || exp >= p) {
    const e = exp < 0 ? -exp : exp;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function stripTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

/** `x` with `precision` significant digits (CmdStan's default is 6). */
export function formatStanNumber(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const p = Math.max(1, Math.min(precision, 17));
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const ax = Math.abs(x);
  if (ax === 0) return `${sign}0`;
  // Integers of at most p digits (tree depths, leapfrog counts) print as themselves; below
  // 2^53 String() gives all their digits exactly.
  if (ax < POW10[p] && ax < 2 ** 53 && Number.isInteger(ax)) return sign + String(ax);
  if (p <= FAST_MAX_PRECISION && fastDigits(ax, p)) {
    // Trailing zeros come off the integer (exact: it is below 2^53), then one conversion.
    let m = fastMantissa;
    while (m % 10 === 0) m /= 10;
    return sign + layout(String(m), fastExponent, p);
  }
  const { digits, exp } = exactDigits(ax, p);
  return sign + layout(stripTrailingZeros(digits), exp, p);
}

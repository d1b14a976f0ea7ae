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
 */
function roundedDigits(ax: number, p: number): { digits: string; exp: number } {
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

/** `x` with `precision` significant digits (CmdStan's default is 6). */
export function formatStanNumber(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const p = Math.max(1, Math.min(precision, 17));
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const ax = Math.abs(x);
  if (ax === 0) return `${sign}0`;
  const { digits, exp } = roundedDigits(ax, p);
  let out: string;
  if (exp < -4 || exp >= p) {
    const frac = digits.slice(1).replace(/0+$/, '');
    const e = Math.abs(exp);
    out = `${digits[0]}${frac ? '.' + frac : ''}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  } else if (exp >= 0) {
    const frac = digits.slice(exp + 1).replace(/0+$/, '');
    out = frac ? `${digits.slice(0, exp + 1)}.${frac}` : digits.slice(0, exp + 1);
  } else {
    out = `0.${('0'.repeat(-exp - 1) + digits).replace(/0+$/, '')}`;
  }
  return sign + out;
}

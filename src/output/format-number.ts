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

/**
 * The significant digits being laid out, as digit values 0-9 in DIGITS[digitsStart, digitsEnd)
 * (scratch shared by every call: encoding is synchronous).
 */
const DIGITS = new Uint8Array(24);
let digitsStart = 0;
let digitsEnd = 0;

/** Puts the decimal digits of the integer 0 < m < 2^53 into DIGITS; returns how many. */
function integerDigits(m: number): number {
  let k = DIGITS.length;
  while (m > 0) {
    const next = Math.floor(m / 10);
    DIGITS[--k] = m - 10 * next;
    m = next;
  }
  digitsStart = k;
  digitsEnd = DIGITS.length;
  return DIGITS.length - k;
}

/** Puts the digits of a string of decimal digits into DIGITS. */
function stringDigits(digits: string): void {
  for (let i = 0; i < digits.length; i++) DIGITS[i] = digits.charCodeAt(i) - 48;
  digitsStart = 0;
  digitsEnd = digits.length;
}

const CHAR_0 = 48;
const CHAR_MINUS = 45;
const CHAR_PLUS = 43;
const CHAR_DOT = 46;
const CHAR_E = 101;

/** Longest encoding: sign, 17 digits, point, and either "e-308" or the "0.000" of fixed notation. */
export const MAX_NUMBER_BYTES = 26;

/** Writes `text` (ASCII) at out[pos]; returns the position after it. */
function putAscii(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/**
 * printf %g's layout of the digits in DIGITS (trailing zeros are dropped here) times 10^exp:
 * scientific when exp < -4 or exp >= p, else fixed.
 */
function layout(out: Uint8Array, pos: number, exp: number, p: number): number {
  let end = digitsEnd;
  const start = digitsStart;
  while (end - 1 > start && DIGITS[end - 1] === 0) end--;
  const n = end - start;
  if (exp < -4 || exp >= p) {
    out[pos++] = CHAR_0 + DIGITS[start];
    if (n > 1) {
      out[pos++] = CHAR_DOT;
      for (let i = start + 1; i < end; i++) out[pos++] = CHAR_0 + DIGITS[i];
    }
    out[pos++] = CHAR_E;
    out[pos++] = exp < 0 ? CHAR_MINUS : CHAR_PLUS;
    const e = exp < 0 ? -exp : exp;
    if (e >= 100) out[pos++] = CHAR_0 + Math.floor(e / 100);
    out[pos++] = CHAR_0 + (Math.floor(e / 10) % 10);
    out[pos++] = CHAR_0 + (e % 10);
    return pos;
  }
  if (exp < 0) {
    out[pos++] = CHAR_0;
    out[pos++] = CHAR_DOT;
    for (let i = -1; i > exp; i--) out[pos++] = CHAR_0;
    for (let i = start; i < end; i++) out[pos++] = CHAR_0 + DIGITS[i];
    return pos;
  }
  // exp + 1 digits before the point (zeros past the significant ones), the rest after it.
  for (let i = 0; i <= exp; i++) out[pos++] = i < n ? CHAR_0 + DIGITS[start + i] : CHAR_0;
  if (n > exp + 1) {
    out[pos++] = CHAR_DOT;
    for (let i = start + exp + 1; i < end; i++) out[pos++] = CHAR_0 + DIGITS[i];
  }
  return pos;
}

/** Digit strings below this fit int32 arithmetic (every precision up to 9: the common case). */
const INT_DIGITS_MAX = 1e9;

/** Number of decimal digits of the integer 0 < m < INT_DIGITS_MAX. */
function digitCount(m: number): number {
  let n = 1;
  while (n < 9 && m >= POW10[n]) n++;
  return n;
}

/** Writes the digits of m right to left into out[from, to), skipping index `skip`. */
function putDigits(out: Uint8Array, from: number, to: number, m: number, skip: number): void {
  for (let k = to - 1; k >= from; k--) {
    if (k === skip) continue;
    const q = (m / 10) | 0;
    out[k] = CHAR_0 + m - q * 10;
    m = q;
  }
}

/**
 * `layout` for digits given as an integer 0 < m < INT_DIGITS_MAX (not as digit values in
 * DIGITS): the same text, written straight into `out` with int32 arithmetic. This is the
 * path of nearly every CSV value.
 */
function layoutInt(out: Uint8Array, pos: number, m: number, exp: number, p: number): number {
  let nd = digitCount(m);
  // Trailing zeros are dropped, as %g does.
  while (nd > 1) {
    const q = (m / 10) | 0;
    if (m - q * 10 !== 0) break;
    m = q;
    nd--;
  }
  if (exp < -4 || exp >= p) {
    // d[.ddd]e±XX
    const end = pos + (nd > 1 ? nd + 1 : 1);
    putDigits(out, pos, end, m, pos + 1);
    if (nd > 1) out[pos + 1] = CHAR_DOT;
    pos = end;
    out[pos++] = CHAR_E;
    out[pos++] = exp < 0 ? CHAR_MINUS : CHAR_PLUS;
    const e = exp < 0 ? -exp : exp;
    if (e >= 100) out[pos++] = CHAR_0 + ((e / 100) | 0);
    out[pos++] = CHAR_0 + (((e / 10) | 0) % 10);
    out[pos++] = CHAR_0 + (e % 10);
    return pos;
  }
  if (exp < 0) {
    // 0.000ddd
    out[pos] = CHAR_0;
    out[pos + 1] = CHAR_DOT;
    const start = pos + 1 - exp;
    for (let k = pos + 2; k < start; k++) out[k] = CHAR_0;
    putDigits(out, start, start + nd, m, -1);
    return start + nd;
  }
  if (nd <= exp + 1) {
    // ddd000: zeros past the significant digits, no point.
    const end = pos + exp + 1;
    putDigits(out, pos, pos + nd, m, -1);
    for (let k = pos + nd; k < end; k++) out[k] = CHAR_0;
    return end;
  }
  // ddd.ddd: the point after exp + 1 digits.
  const point = pos + exp + 1;
  putDigits(out, pos, pos + nd + 1, m, point);
  out[point] = CHAR_DOT;
  return pos + nd + 1;
}

/**
 * Writes `x` with `precision` significant digits (as formatStanNumber) as ASCII into `out`
 * at `pos`, which needs MAX_NUMBER_BYTES free bytes; returns the position after it.
 * CSV rows are encoded this way, with no string per number.
 */
export function encodeStanNumber(x: number, precision: number, out: Uint8Array, pos: number): number {
  if (Number.isNaN(x)) return putAscii(out, pos, 'nan');
  if (x === Infinity) return putAscii(out, pos, 'inf');
  if (x === -Infinity) return putAscii(out, pos, '-inf');
  const p = Math.max(1, Math.min(precision, 17));
  if (x < 0 || Object.is(x, -0)) out[pos++] = CHAR_MINUS;
  const ax = Math.abs(x);
  if (ax === 0) {
    out[pos++] = CHAR_0;
    return pos;
  }
  if (ax < POW10[p] && ax < 2 ** 53 && Number.isInteger(ax)) {
    // Integers of at most p digits (tree depths, leapfrog counts) need no rounding.
    if (ax < INT_DIGITS_MAX) return layoutInt(out, pos, ax, digitCount(ax) - 1, p);
    return layout(out, pos, integerDigits(ax) - 1, p);
  }
  if (p <= FAST_MAX_PRECISION && fastDigits(ax, p)) {
    if (fastMantissa < INT_DIGITS_MAX) return layoutInt(out, pos, fastMantissa, fastExponent, p);
    integerDigits(fastMantissa);
    return layout(out, pos, fastExponent, p);
  }
  const { digits, exp } = exactDigits(ax, p);
  stringDigits(digits);
  return layout(out, pos, exp, p);
}

const formatted = Buffer.alloc(MAX_NUMBER_BYTES);

/** `x` with `precision` significant digits (CmdStan's default is 6). */
export function formatStanNumber(x: number, precision = 6): string {
  const end = encodeStanNumber(x, precision, formatted, 0);
  return formatted.toString('latin1', 0, end);
}

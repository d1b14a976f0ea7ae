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

/** 10^-k for k = 0..5, correctly rounded. */
const NEG_POW10 = Array.from({ length: 6 }, (_, k) => Number(`1e-${k}`));

/**
 * floor(log10(ax)) for ax > 0, or one off next to a power of ten (fastDigits corrects that).
 * Most sampler output lies in [1e-5, 1e9): there a few comparisons find it, cheaper than
 * Math.log10, which took about a third of the encoding time in a profile of CSV rows.
 */
function decimalExponent(ax: number): number {
  if (ax >= 1) {
    if (ax < 1e9) {
      let e = 0;
      while (ax >= POW10[e + 1]) e++;
      return e;
    }
  } else if (ax >= 1e-5) {
    let e = -1;
    while (ax < NEG_POW10[-e]) e--;
    return e;
  }
  return Math.floor(Math.log10(ax));
}

/** The fast path handles precisions up to this (its scaled value must keep a fraction). */
const FAST_MAX_PRECISION = 12;

/**
 * Rounding in floating point: ax * 10^(p-1-exp) has a relative error below 2^-52 (one
 * rounding, plus one for powers of ten above 10^22), so unless it lies within
 * this relative distance of a rounding boundary (x.5), rounding it gives the digits the exact
 * value rounds to.
 */
const BOUNDARY_MARGIN = 2 ** -49;

/** Set by `fastDigits`: the decimal exponent (a small integer: storing it allocates nothing, unlike a double). */
let fastExponent = 0;

/**
 * The first p significant digits of ax > 0 (finite, p <= FAST_MAX_PRECISION) and its
 * decimal exponent (into fastExponent), without converting to a string; returns the digits as
 * an integer of exactly p digits. Returns -1 when the value is too close to a rounding
 * boundary (or too large or small) to decide in floating point; exactDigits must decide then.
 */
function fastDigits(ax: number, p: number): number {
  let exp = decimalExponent(ax);
  if (exp > 290 || exp < -290) return -1;
  const low = POW10[p - 1];
  const high = POW10[p];
  // The estimate can be one off next to powers of ten: correct exp until the scaled value has p digits.
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
    if (Math.abs(fraction - 0.5) <= scaled * BOUNDARY_MARGIN) return -1;
    let m = fraction > 0.5 ? whole + 1 : whole;
    if (m === high) {
      // Rounded up to the next power of ten (9.999995 → 10.0000).
      m = low;
      exp++;
    }
    fastExponent = exp;
    return m;
  }
  return -1;
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

/** Writes the `count` digits of the int32 m >= 0 (zero-padded on the left) at out[pos]; returns the end. */
function putDigits(out: Uint8Array, pos: number, count: number, m: number): number {
  const end = pos + count;
  for (let k = end - 1; k >= pos; k--) {
    const q = (m / 10) | 0;
    out[k] = CHAR_0 + (m - q * 10);
    m = q;
  }
  return end;
}

/**
 * `layout` for digits given as an integer 0 < m < INT_DIGITS_MAX of `nd` digits (not as digit
 * values in DIGITS): the same text, written straight into `out` with int32 arithmetic. This
 * is the path of nearly every CSV value.
 */
function layoutInt(out: Uint8Array, pos: number, m: number, nd: number, exp: number, p: number): number {
  m |= 0;
  // Trailing zeros are dropped, as %g does.
  while (nd > 1) {
    const q = (m / 10) | 0;
    if (m !== q * 10) break;
    m = q;
    nd--;
  }
  if (exp < -4 || exp >= p) {
    // d[.ddd]e±XX
    if (nd > 1) {
      const rest = POW10[nd - 1];
      const lead = (m / rest) | 0;
      out[pos++] = CHAR_0 + lead;
      out[pos++] = CHAR_DOT;
      pos = putDigits(out, pos, nd - 1, m - lead * rest);
    } else out[pos++] = CHAR_0 + m;
    out[pos++] = CHAR_E;
    out[pos++] = exp < 0 ? CHAR_MINUS : CHAR_PLUS;
    const e = exp < 0 ? -exp : exp;
    return putDigits(out, pos, e >= 100 ? 3 : 2, e);
  }
  if (exp < 0) {
    // 0.000ddd
    out[pos++] = CHAR_0;
    out[pos++] = CHAR_DOT;
    for (let k = -1; k > exp; k--) out[pos++] = CHAR_0;
    return putDigits(out, pos, nd, m);
  }
  if (nd <= exp + 1) {
    // ddd000: zeros past the significant digits, no point.
    pos = putDigits(out, pos, nd, m);
    for (let k = nd; k <= exp; k++) out[pos++] = CHAR_0;
    return pos;
  }
  // ddd.ddd: exp + 1 digits, the point, the rest.
  const fraction = nd - exp - 1;
  const scale = POW10[fraction];
  const whole = (m / scale) | 0;
  pos = putDigits(out, pos, exp + 1, whole);
  out[pos++] = CHAR_DOT;
  return putDigits(out, pos, fraction, m - whole * scale);
}

/**
 * Writes `x` with `precision` significant digits (as formatStanNumber) as ASCII into `out`
 * at `pos`, which needs MAX_NUMBER_BYTES free bytes; returns the position after it.
 */
export function encodeStanNumber(x: number, precision: number, out: Uint8Array, pos: number): number {
  ONE_VALUE[0] = x;
  return encodeValue(ONE_VALUE, 0, precision, out, pos);
}

const ONE_VALUE = new Float64Array(1);

/**
 * Writes `values` as one CSV row (comma-separated, newline-terminated) with `precision`
 * significant digits into `out` at `pos`, which needs MAX_NUMBER_BYTES + 1 free bytes per
 * value; returns the position after it. No string per number.
 */
export function encodeStanRow(values: Float64Array, precision: number, out: Uint8Array, pos: number): number {
  return encodeStanRows(values, 1, values.length, precision, out, pos);
}

/**
 * encodeStanRow of each of the first `rows` rows of `values`, laid out row after row with
 * `columns` values each; `out` needs (MAX_NUMBER_BYTES + 1) * columns free bytes per row.
 */
export function encodeStanRows(
  values: Float64Array,
  rows: number,
  columns: number,
  precision: number,
  out: Uint8Array,
  pos: number,
): number {
  let i = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, i++) {
      if (c > 0) out[pos++] = 44; // ','
      pos = encodeValue(values, i, precision, out, pos);
    }
    out[pos++] = 10; // '\n'
  }
  return pos;
}

/**
 * encodeStanNumber of values[i]. Reading the value here rather than taking it as an argument
 * spares V8 a heap number per call; plain comparisons instead of Number.isNaN, Object.is and
 * Number.isInteger make the first rows, encoded before V8 optimizes this, cheaper too.
 */
function encodeValue(values: Float64Array, i: number, precision: number, out: Uint8Array, pos: number): number {
  const x = values[i];
  if (x !== x) return putAscii(out, pos, 'nan');
  let ax = x;
  if (x < 0) {
    out[pos++] = CHAR_MINUS;
    ax = -x;
  } else if (x === 0) {
    if (1 / x < 0) out[pos++] = CHAR_MINUS;
    out[pos++] = CHAR_0;
    return pos;
  }
  if (ax === Infinity) return putAscii(out, pos, 'inf');
  const p = Math.max(1, Math.min(precision, 17));
  if (ax < POW10[p] && ax < 2 ** 53 && Math.floor(ax) === ax) {
    // Integers of at most p digits (tree depths, leapfrog counts) need no rounding.
    if (ax < INT_DIGITS_MAX) {
      const nd = digitCount(ax);
      return layoutInt(out, pos, ax, nd, nd - 1, p);
    }
    return layout(out, pos, integerDigits(ax) - 1, p);
  }
  const m = p <= FAST_MAX_PRECISION ? fastDigits(ax, p) : -1;
  if (m >= 0) {
    if (m < INT_DIGITS_MAX) return layoutInt(out, pos, m, p, fastExponent, p);
    integerDigits(m);
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

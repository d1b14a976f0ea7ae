// Turning program text into JavaScript text safely: identifiers are mangled into a namespace
// no runtime name uses, and every string or number from the program goes through a literal
// encoder. Nothing the user wrote reaches the generated code any other way.

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A Stan variable name as a JS identifier (`theta` → `v_theta`). */
export function varName(name: string): string {
  return 'v_' + checkedIdent(name);
}

/** A Stan user-function name as a JS identifier; overloads are numbered. */
export function funName(name: string, overload = 0): string {
  return `f_${checkedIdent(name)}$${overload}`;
}

function checkedIdent(name: string): string {
  // The parser only produces such names; this guards the generated code against any AST built by hand.
  if (!IDENT.test(name)) throw new Error(`internal: '${name}' is not a Stan identifier`);
  return name;
}

/** A JS string literal for any text (JSON strings are valid JS, and U+2028/2029 are escaped too). */
export function str(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A JS numeric literal for any number, including non-finite ones. */
export function num(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  // String(-0) is "0": spell the sign out.
  if (Object.is(x, -0)) return '(-0)';
  const s = String(x);
  return x < 0 ? `(${s})` : s;
}

/** Lines with indentation, for readable generated modules. */
export class Writer {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  open(text: string): this {
    this.line(text);
    this.depth++;
    return this;
  }

  close(text = '}'): this {
    this.depth--;
    this.line(text);
    return this;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

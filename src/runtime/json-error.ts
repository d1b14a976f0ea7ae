// Where and why a JSON text is malformed. JSON.parse's messages vary between Node versions and
// often give no position (and quote the file's text, newlines and all), so data errors locate
// the first problem themselves with this small scanner of RFC 8259's grammar.

export interface JsonProblem {
  /** 1-based line and column of the first offending character (or the end of the text). */
  line: number;
  column: number;
  message: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** The first syntax error in `text`, or null when it is valid JSON. */
export function findJsonProblem(text: string): JsonProblem | null {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const found = () => (i >= n ? 'the end of the file' : `'${text[i]}'`);
  const space = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a value, found ${found()}`);
  };
  const string = () => {
    const start = i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail(c === 0x0a ? 'a string must end on the line it starts (missing \'"\')' : 'control character in a string');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u must be followed by four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape '\\${e ?? ''}' in a string`);
      } else i++;
    }
    fail('unterminated string', start);
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail(`expected a value, found ${found()}`);
    i += m![0].length;
    if (i < n && /[\d.eE+-]/.test(text[i])) fail(`malformed number`);
  };
  const value = (depth: number): void => {
    if (depth > 10000) fail('nested too deeply');
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a quoted property name, found ${found()}`);
        string();
        space();
        if (text[i] !== ':') fail(`expected ':' after the property name, found ${found()}`);
        i++;
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}' in the object, found ${found()}`);
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']' in the array, found ${found()}`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    // CmdStan writes non-finite numbers as strings; bare words are a common slip.
    if (c !== undefined && /[A-Za-z]/.test(c)) {
      const word = /^[A-Za-z]+/.exec(text.slice(i))![0];
      fail(/^(inf|infinity|nan)$/i.test(word) ? `${word} must be quoted in JSON: "${word}"` : `expected a value, found '${word}'`);
    }
    fail(`expected a value, found ${found()}`);
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    space();
    if (i < n) fail(`unexpected ${found()} after the end of the data`);
    return null;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { ...lineColumn(text, e.offset), message: e.message };
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      start = k + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

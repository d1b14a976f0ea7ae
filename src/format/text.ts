// Questions about the original source text that decide layout: was there a blank line after a
// statement, was a comment on a line of its own. Stan has `//`, `/* */` and legacy `#` comments,
// so prettier's JavaScript-minded helpers are not quite enough.

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function skipNewline(text: string, i: number): number | undefined {
  if (text[i] === '\n') return i + 1;
  if (text[i] === '\r') return text[i + 1] === '\n' ? i + 2 : i + 1;
  return undefined;
}

/**
 * Whether the line after the one containing `offset` is blank, looking past comments that end
 * that line (`x = 1; // note`), as prettier's `isNextLineEmpty` does.
 */
export function isNextLineEmpty(text: string, offset: number): boolean {
  let i = offset;
  for (;;) {
    i = skipSpaces(text, i);
    if (text[i] === ';' || text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      // A block comment that runs onto later lines ends the question: the next line is not blank.
      if (close < 0 || /[\r\n]/.test(text.slice(i, close))) return false;
      i = close + 2;
      continue;
    }
    break;
  }
  if (text.startsWith('//', i) || (text[i] === '#' && !text.startsWith('#include', i))) {
    while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  }
  const next = skipNewline(text, i);
  if (next === undefined) return false;
  return skipNewline(text, skipSpaces(text, next)) !== undefined;
}

/** Whether only spaces and tabs separate `offset` from the start of its line. */
export function startsLine(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

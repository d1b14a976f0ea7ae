// Questions about the original source text that decide layout and comment placement: was there
// a blank line after a statement, was a comment on a line of its own, which code character comes
// before or after a comment. Stan has `//`, `/* */` and legacy `#` comments, so prettier's
// JavaScript-minded helpers are not quite enough.

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

/** The first character of code at or after `offset`, skipping blanks and comments. */
export function nextCodeChar(text: string, offset: number): string {
  let i = offset;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (text.startsWith('//', i) || (text[i] === '#' && !text.startsWith('#include', i))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else {
      return text.charAt(i);
    }
  }
}

/** Where a line comment starts in `line` (-1: none), looking past strings and block comments. */
function lineCommentStart(line: string): number {
  for (let j = 0; j < line.length; j++) {
    if (line.startsWith('/*', j)) {
      const close = line.indexOf('*/', j + 2);
      if (close < 0) return -1;
      j = close + 1;
    } else if (line[j] === '"') {
      const close = line.indexOf('"', j + 1);
      if (close < 0) return -1;
      j = close;
    } else if (line.startsWith('//', j) || (line[j] === '#' && !line.startsWith('#include', j))) {
      return j;
    }
  }
  return -1;
}

/** The last character of code before `offset`, skipping blanks and comments. */
export function previousCodeChar(text: string, offset: number): string {
  let i = offset - 1;
  for (;;) {
    while (i >= 0 && /\s/.test(text[i])) i--;
    if (i < 0) return '';
    if (text[i] === '/' && text[i - 1] === '*') {
      i = text.lastIndexOf('/*', i - 2) - 1;
      continue;
    }
    // A line comment ending this line: continue before it.
    const lineStart = text.lastIndexOf('\n', i) + 1;
    const cut = lineCommentStart(text.slice(lineStart, i + 1));
    if (cut < 0) return text[i];
    i = lineStart + cut - 1;
  }
}

/** The text with its comments (and `#include` lines) removed. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*/g, '');
}

import { writeSync } from 'node:fs';

/** Writes every byte of `text` to `fd`, looping over short writes. */
export function writeAll(fd: number, text: string | Uint8Array): void {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

import { writeSync } from 'node:fs';

/** Writes every byte of `text` (of a byte array, the first `length`) to `fd`, looping over short writes. */
export function writeAll(fd: number, text: string | Uint8Array, length = text.length): void {
  let buf: Uint8Array;
  if (typeof text === 'string') {
    // Strings go out without an intermediate Buffer (one per CSV row adds up); only the
    // rest of a short write needs one.
    const written = writeSync(fd, text);
    const total = Buffer.byteLength(text, 'utf8');
    if (written === total) return;
    buf = Buffer.from(text, 'utf8').subarray(written);
    length = buf.length;
  } else {
    buf = text;
  }
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

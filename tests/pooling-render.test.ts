// The shrinkage figure renders in a browser: headless Chromium screenshots the HTML report and
// the picture has the no-pooling, partial-pooling and complete-pooling colours where the figure
// puts them. Skipped (with a note) when no Chromium is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { COLORS, poolingReportHtml, shrinkage, type PoolingComparison, type VariantRun } from '../src/pooling/index.js';

function findChromium(): string | undefined {
  const candidates = [process.env.HSTAN_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((x): x is string => !!x);
  for (const c of candidates) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore', timeout: 20000 });
      return c;
    } catch {
      // not this one
    }
  }
  return undefined;
}

interface Image {
  width: number;
  height: number;
  /** RGB(A) bytes, row-major. */
  pixels: Uint8Array;
  channels: number;
}

/** Decode an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes). */
function decodePng(buf: Buffer): Image {
  let offset = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const body = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colorType, , , interlace] = body.subarray(8);
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}`);
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + i] = v & 255;
    }
  }
  return { width, height, pixels, channels };
}

/** Pixels close to a colour in columns [x0, x1): how many, and the height from the top one to the bottom one. */
function find(img: Image, hex: string, x0 = 0, x1 = img.width): { count: number; extent: number } {
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  let count = 0;
  let top = Infinity;
  let bottom = -Infinity;
  for (let y = 0; y < img.height; y++) {
    for (let x = x0; x < x1; x++) {
      const k = (y * img.width + x) * img.channels;
      const d = Math.abs(img.pixels[k] - r) + Math.abs(img.pixels[k + 1] - g) + Math.abs(img.pixels[k + 2] - b);
      if (d < 24) (count++, (top = Math.min(top, y)), (bottom = Math.max(bottom, y)));
    }
  }
  return { count, extent: bottom - top };
}

/** The colour `hex` drawn with opacity `alpha` over white. */
function onWhite(hex: string, alpha: number): string {
  return '#' + [1, 3, 5].map((k) => Math.round(alpha * parseInt(hex.slice(k, k + 2), 16) + (1 - alpha) * 255).toString(16).padStart(2, '0')).join('');
}

const est = (mean: number, sd: number) => ({ mean, sd, q5: mean - 1.645 * sd, q95: mean + 1.645 * sd });
const run = (kind: VariantRun['kind']): VariantRun => ({
  kind, origin: kind === 'partial' ? 'as written' : 'derived', filename: 'm.hstan', source: 'model {}\n', summary: kind,
  notes: [], seconds: 1, divergences: 0, maxRhat: 1,
});

/** Eight groups whose no-pooling estimates sit high and low, partial pooling pulled to 0. */
function comparison(): PoolingComparison {
  const none = [30, 20, 12, 6, -4, -10, -18, -25];
  const groups = none.map((m, j) => {
    const g = { name: `theta[${j + 1}]`, size: 10 * (j + 1), none: est(m, 6), partial: est(0.3 * m, 3), complete: est(0, 2) };
    return { ...g, shrinkage: shrinkage(g.none.mean, g.partial.mean, g.complete.mean) };
  });
  return {
    model: 'render', param: 'theta', groups, sizeLabel: 'observations per group (g)',
    population: [{ role: 'mean', label: 'population mean', expression: 'mu', ...est(0, 1) }],
    variants: { none: run('none'), partial: run('partial'), complete: run('complete') }, wideSd: 100, chains: 4, drawsPerChain: 1000,
  };
}

const chromium = findChromium();
const maybe = chromium ? test : test.skip;
if (!chromium) console.warn('pooling-render: no Chromium found (set HSTAN_CHROMIUM); the rendering test is skipped');

maybe('the report renders in headless Chromium with the figure in it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hstan-render-'));
  try {
    const html = join(dir, 'report.html');
    const png = join(dir, 'shot.png');
    writeFileSync(html, poolingReportHtml(comparison()));
    execFileSync(chromium!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars',
      `--screenshot=${png}`, '--window-size=1200,900', `file://${html}`,
    ], { stdio: 'ignore', timeout: 90000 });
    const img = decodePng(readFileSync(png));
    expect([img.width, img.height]).toEqual([1200, 900]);
    const none = find(img, COLORS.none);
    const partial = find(img, COLORS.partial);
    const complete = find(img, COLORS.complete);
    // Eight dots and eight bars of each colour: hundreds of pixels, not a legend swatch alone.
    for (const c of [none, partial, complete]) expect(c.count).toBeGreaterThan(400);
    // The shrinkage panel: no-pooling points in a column near x = 157 (page margin 24 + border and
    // padding 9 + plot margin 64 + 60), spread from 30 down to -25; partial-pooling points near
    // x = 287, pulled together (0.3 times the spread, plus the points' own size).
    // The points are drawn at 75% opacity over white.
    const none75 = onWhite(COLORS.none, 0.75);
    const partial75 = onWhite(COLORS.partial, 0.75);
    const leftNone = find(img, none75, 140, 175);
    const leftPartial = find(img, partial75, 270, 305);
    expect(leftNone.count).toBeGreaterThan(200);
    expect(leftPartial.count).toBeGreaterThan(200);
    expect(find(img, partial75, 140, 175).count).toBe(0);
    expect(find(img, none75, 270, 305).count).toBe(0);
    expect(leftNone.extent).toBeGreaterThan(2 * leftPartial.extent);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

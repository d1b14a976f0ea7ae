// Simulates radon-like data with the shape of Gelman & Hill's Minnesota radon set
// (N = 919 houses in J = 85 counties, very unequal county sizes, floor indicator x).
// The real survey data is not redistributed here; run `node simulate.mjs > data.json`.
let s = 20261121;
const unif = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296);
const normal = () => Math.sqrt(-2 * Math.log(unif() + 1e-300)) * Math.cos(2 * Math.PI * unif());
const N = 919, J = 85;
// Skewed county sizes: every county at least one house, a few large ones.
const w = Array.from({ length: J }, () => Math.exp(1.3 * normal()));
const total = w.reduce((a, b) => a + b, 0);
const size = w.map((x) => 1 + Math.floor(((N - J) * x) / total));
let extra = N - size.reduce((a, b) => a + b, 0);
for (let j = 0; extra > 0; j = (j + 1) % J, extra--) size[j]++;
const mu_a = 1.5, sigma_a = 0.3, mu_b = -0.65, sigma_b = 0.25, sigma_y = 0.76;
const a = Array.from({ length: J }, () => mu_a + sigma_a * normal());
const b = Array.from({ length: J }, () => mu_b + sigma_b * normal());
const county = [], x = [], y = [];
size.forEach((n, j) => {
  for (let i = 0; i < n; i++) {
    const floor = unif() < 0.17 ? 1 : 0;
    county.push(j + 1);
    x.push(floor);
    y.push(+(a[j] + b[j] * floor + sigma_y * normal()).toFixed(4));
  }
});
process.stdout.write(JSON.stringify({ N, J, county, x, y }) + '\n');

import { readFileSync } from 'node:fs';
import { compile } from '../src/model/compile.js';

test('eight schools compiles', () => {
  const src = readFileSync('examples/eight_schools/noncentered.hstan', 'utf8');
  const m = compile(src, { filename: 'noncentered.hstan' });
  console.log(m.code);
  const inst = m.instantiate(JSON.parse(readFileSync('examples/eight_schools/data.json', 'utf8')));
  const u = new Float64Array(inst.dimension).map((_, i) => 0.1 * i);
  console.log(inst.logDensityAndGradient(u));
});

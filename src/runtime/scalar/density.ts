// Univariate densities with k scalar arguments, compiled once per family into a function of
// their own: `tds(x0, n0, x1, n1, ...)` adds the density to the target (argument j is the
// number xj when nj < 0, else node nj) and `ds(...)` returns it as a node. A function of its
// own per family keeps every call site in it monomorphic, so V8 inlines the argument checks
// and the kernel; shared generic code measured 3× slower inside loops.
//
// The source below is built from this file's own text and numbers only (no program text).
import type { Kernel } from '../elementwise.js';
import { scalarPredicates } from '../../../stdlib/impl/dist-checks.js';
import { T } from './tape.js';
import type { DensitySpec } from './ops.js';

export interface CompiledDensity {
  tds: (...xn: number[]) => void;
  ds: (...xn: number[]) => number;
}

const cache = new Map<string, CompiledDensity>();

export function compileDensity(spec: DensitySpec, fn: string): CompiledDensity {
  let c = cache.get(fn);
  if (c === undefined) {
    c = build(spec, fn, spec.args.length);
    cache.set(fn, c);
  }
  return c;
}

function build(spec: DensitySpec, fn: string, k: number): CompiledDensity {
  const names: string[] = [];
  const values: unknown[] = [];
  const bind = (name: string, value: unknown) => {
    names.push(name);
    values.push(value);
    return name;
  };
  bind('T', T);
  bind('kernel', spec.kernel);
  bind('fn', fn);
  bind('X', new Float64Array(Math.max(4, k)));
  bind('D', new Float64Array(Math.max(4, k)));
  const params = Array.from({ length: k }, (_, j) => `x${j}, n${j}`).join(', ');
  const lines: string[] = ['const val = T.val;'];
  for (let j = 0; j < k; j++) lines.push(`const a${j} = n${j} < 0 ? x${j} : val[n${j}];`);
  spec.args.forEach((arg, j) => {
    const name = bind(`name${j}`, arg.name);
    arg.checks.forEach((check, m) => {
      const c = bind(`check${j}_${m}`, check);
      const pred = scalarPredicates.get(check);
      if (pred) lines.push(`if (!${bind(`ok${j}_${m}`, pred)}(a${j})) ${c}(fn, ${name}, a${j});`);
      else lines.push(`${c}(fn, ${name}, a${j});`);
    });
  });
  const list = Array.from({ length: k }, (_, j) => `a${j}`).join(', ');
  if (spec.relations) lines.push(`${bind('relations', spec.relations)}(fn, [${list}]);`);
  for (let j = 0; j < k; j++) lines.push(`X[${j}] = a${j};`);
  lines.push('let lp = kernel(X, D);');
  if (spec.constant) {
    const ck = bind('constantKernel', spec.constant.kernel as Kernel);
    const cx = bind('CX', new Float64Array(Math.max(4, spec.constant.args.length)));
    spec.constant.args.forEach((a, j) => lines.push(`${cx}[${j}] = a${a};`));
    lines.push(`lp += ${ck}(${cx}, null);`);
  }
  const body = lines.join('\n');
  const toTarget = Array.from({ length: k }, (_, j) => `if (n${j} >= 0) T.tedge(n${j}, D[${j}]);`).join('\n');
  const count = Array.from({ length: k }, (_, j) => `(n${j} >= 0 ? 1 : 0)`).join(' + ');
  const toNode = Array.from({ length: k }, (_, j) => `if (n${j} >= 0) T.edge(n${j}, D[${j}]);`).join('\n');
  const src = `return {
    tds(${params}) {\n${body}\nT.lp += lp;\n${toTarget}\n},
    ds(${params}) {\n${body}\nconst node = T.open(lp, ${count});\n${toNode}\nreturn node;\n},
  };`;
  return new Function(...names, src)(...values) as CompiledDensity;
}

// Finding hierarchical priors in a program: `theta ~ normal(mu, tau)` with theta a container of
// parameters and tau a scale parameter. The diagnostics use this to name the group effect when
// advising non-centering; `hstan pooling` uses it to derive pooling variants.
import type { Program, VarDecl, Expr, Stmt } from '../frontend/ast.js';
import { findBlock } from '../frontend/ast.js';
import type { ModelHints } from '../diagnostics/index.js';
import { forEachStmt } from './scan.js';

const LOCATION_SCALE = new Set(['normal', 'student_t', 'cauchy', 'double_exponential', 'logistic']);

export interface HierarchicalPrior {
  /** The group-effect parameter, e.g. `theta`. */
  effect: string;
  /** Population location (a variable name, or the expression's source form), if any. */
  location?: string;
  /** Population scale parameter. */
  scale: string;
  /** True when the effect is sampled directly (not through offset/multiplier or a non-centered TP). */
  centered: boolean;
  /** The size expression's variable, e.g. `J`, when the effect is declared `vector[J]`/`array[J]`. */
  size?: string;
  /** How the prior is written. */
  form: 'centered' | 'offset-multiplier' | 'transformed';
  distribution: string;
}

function varNameOf(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'Paren') return varNameOf(e.expr);
  return e.kind === 'Variable' ? e.name : undefined;
}

function decls(program: Program, block: Parameters<typeof findBlock>[1]): VarDecl[] {
  return (findBlock(program, block)?.items ?? []).filter((s): s is VarDecl => s.kind === 'VarDecl');
}

/** Every hierarchical prior the model block states on a parameter container. */
export function hierarchicalPriors(program: Program): HierarchicalPrior[] {
  const params = new Map(decls(program, 'parameters').map((d) => [d.name, d]));
  const tps = new Map(decls(program, 'transformed parameters').map((d) => [d.name, d]));
  const model = (findBlock(program, 'model')?.items ?? []) as Stmt[];
  const found: HierarchicalPrior[] = [];
  forEachStmt(model, (s) => {
    if (s.kind !== 'Tilde' || !LOCATION_SCALE.has(s.distribution)) return;
    const effect = varNameOf(s.lhs);
    if (!effect) return;
    const decl = params.get(effect);
    const [locArg, scaleArg] = s.distribution === 'student_t' ? [s.args[1], s.args[2]] : [s.args[0], s.args[1]];
    const scale = varNameOf(scaleArg);
    if (!decl || !scale || !params.has(scale)) return;
    if (decl.arrayDims.length === 0 && !['vector', 'row_vector'].includes(decl.type.base)) return;
    const b = decl.type.bounds;
    const offsetMultiplier = !!(b && (b.offset || b.multiplier));
    const size = varNameOf(decl.arrayDims[0] ?? decl.type.sizes[0]);
    found.push({
      effect,
      location: varNameOf(locArg),
      scale,
      centered: !offsetMultiplier,
      size,
      form: offsetMultiplier ? 'offset-multiplier' : 'centered',
      distribution: s.distribution,
    });
  });
  // Non-centered by hand: `theta = mu + tau * z` in transformed parameters with z ~ std_normal()/normal(0, 1).
  for (const [name, d] of tps) {
    const product = d.init && matchAffine(d.init);
    if (!product || !params.has(product.scale) || !params.has(product.z)) continue;
    // `tau * z` and `z * tau` are written both ways: the scale is the scalar, z the container.
    const isScalar = (n: string) => {
      const p = params.get(n)!;
      return p.arrayDims.length === 0 && (p.type.base === 'real' || p.type.base === 'int');
    };
    const m = isScalar(product.scale) || !isScalar(product.z) ? product : { ...product, scale: product.z, z: product.scale };
    found.push({
      effect: name,
      location: m.location,
      scale: m.scale,
      centered: false,
      size: varNameOf(d.arrayDims[0] ?? d.type.sizes[0]),
      form: 'transformed',
      distribution: 'normal',
    });
  }
  return found;
}

/** `mu + tau * z`, `tau * z + mu` → its parts. */
export function matchAffine(e: Expr): { location?: string; scale: string; z: string } | null {
  const x = e.kind === 'Paren' ? e.expr : e;
  if (x.kind !== 'Binary') return null;
  const product = (p: Expr) => {
    const q = p.kind === 'Paren' ? p.expr : p;
    if (q.kind !== 'Binary' || q.op !== '*') return null;
    const a = varNameOf(q.left), b = varNameOf(q.right);
    return a && b ? { scale: a, z: b } : null;
  };
  if (x.op === '*') return product(x);
  if (x.op !== '+') return null;
  const right = product(x.right);
  if (right) {
    const loc = varNameOf(x.left);
    return loc ? { location: loc, ...right } : null;
  }
  const left = product(x.left);
  const loc = varNameOf(x.right);
  return left && loc ? { location: loc, ...left } : null;
}

export function modelHints(program: Program): ModelHints {
  return {
    hierarchical: hierarchicalPriors(program).map((h) => ({
      effect: h.effect,
      location: h.location,
      scale: h.scale,
      centered: h.centered,
      size: h.size,
    })),
  };
}

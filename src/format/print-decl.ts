// Declarations, types and function definitions: `array[N] vector<lower=0>[K] x = e;`,
// `real f(data array[] real x)`. Legacy array forms (`real y[N]`, `real[]`) are printed as
// written; `--canonicalize` clears their flags first so they come out modern.
import type { AstPath, Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type * as A from '../frontend/ast.js';
import { listDoc, type Print } from './print-expr.js';

const { join } = builders;

const BOUND_ORDER = ['lower', 'upper', 'offset', 'multiplier'] as const;

function dims(path: AstPath, print: Print, key: string): Doc {
  return ['[', join(', ', path.map(print, key)), ']'];
}

export function printDeclType(path: AstPath<A.DeclType>, print: Print): Doc {
  const t = path.node;
  if (t.base === 'tuple') return printTupleList(path.map(print, 'elements'));
  const parts: Doc[] = [t.base];
  const bounds = t.bounds;
  if (bounds) {
    const entries = BOUND_ORDER.filter((k) => bounds[k] !== undefined).map((k) => [k, '=', print(['bounds', k])]);
    parts.push('<', join(', ', entries), '>');
  }
  if (t.sizes.length > 0) parts.push(dims(path, print, 'sizes'));
  return parts;
}

/** `tuple(a, b)`; a one-element tuple keeps its trailing comma: `tuple(a,)`. */
function printTupleList(items: Doc[]): Doc {
  return items.length === 1 ? ['tuple(', items[0], ',)'] : ['tuple', listDoc(items, '(', ')')];
}

export function printTupleElementDecl(path: AstPath<A.TupleElementDecl>, print: Print): Doc {
  const el = path.node;
  return el.arrayDims.length > 0 ? ['array', dims(path, print, 'arrayDims'), ' ', print('type')] : print('type');
}

export function printVarDecl(path: AstPath<A.VarDecl>, print: Print): Doc {
  const d = path.node;
  const init = d.init ? [' = ', print('init')] : '';
  if (d.legacyArray) return [print('type'), ' ', d.name, dims(path, print, 'arrayDims'), init, ';'];
  const array = d.arrayDims.length > 0 ? ['array', dims(path, print, 'arrayDims'), ' '] : '';
  return [array, print('type'), ' ', d.name, init, ';'];
}

export function printFunType(path: AstPath<A.FunType>, print: Print): Doc {
  const t = path.node;
  const element = t.base === 'tuple' ? printTupleList(path.map(print, 'elements')) : t.base;
  if (t.arrayDims === 0) return element;
  const brackets = `[${','.repeat(t.arrayDims - 1)}]`;
  return t.legacyArray ? [element, brackets] : ['array', brackets, ' ', element];
}

export function printParam(path: AstPath<A.Param>, print: Print): Doc {
  const p = path.node;
  return [p.dataOnly ? 'data ' : '', print('type'), ' ', p.name];
}

export function printFunctionDef(path: AstPath<A.FunctionDef>, print: Print): Doc {
  const f = path.node;
  return [
    f.returnType ? print('returnType') : 'void',
    ' ',
    f.name,
    listDoc(path.map(print, 'params'), '(', ')'),
    f.body ? [' ', print('body')] : ';',
  ];
}

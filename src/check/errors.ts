// Every checker diagnostic, one function per kind: the wording lives here and nowhere else.
// Messages name the variable or function, say what was found, and what would be accepted.
import type { Span, BlockName } from '../frontend/ast.js';
import type { Diagnostic } from '../frontend/diagnostic.js';
import { type StanType, showType } from './types.js';

function error(code: string, message: string, span: Span, notes?: string[]): Diagnostic {
  return notes && notes.length > 0 ? { severity: 'error', code, message, span, notes } : { severity: 'error', code, message, span };
}

function warning(code: string, message: string, span: Span, notes?: string[]): Diagnostic {
  return notes && notes.length > 0
    ? { severity: 'warning', code, message, span, notes }
    : { severity: 'warning', code, message, span };
}

const didYouMean = (s: string | undefined): string => (s ? ` Did you mean '${s}'?` : '');
const showTypes = (ts: readonly StanType[]): string => `(${ts.map(showType).join(', ')})`;
const at = (span: Span): string => `line ${span.start.line}`;

// --- names -------------------------------------------------------------------

export function undeclared(name: string, span: Span, suggestion?: string): Diagnostic {
  return error('type/undeclared', `'${name}' is not declared.${didYouMean(suggestion)}`, span);
}

export function unknownFunction(name: string, span: Span, suggestion?: string): Diagnostic {
  return error('type/unknown-function', `Unknown function '${name}'.${didYouMean(suggestion)}`, span);
}

export function wrongDensitySuffix(name: string, right: string, span: Span): Diagnostic {
  const kind = right.endsWith('_lpmf') || right.endsWith('_lupmf') ? 'a mass function over integers' : 'a density over reals';
  return error('type/unknown-function', `Unknown function '${name}': this family is ${kind}, use '${right}'.`, span);
}

export function unsupportedFunction(name: string, span: Span): Diagnostic {
  return error(
    'type/unsupported-function',
    `'${name}' is a higher-order Stan function that hstan does not support yet.`,
    span,
  );
}

export function redeclared(name: string, span: Span, previous: Span): Diagnostic {
  return error('type/redeclared', `'${name}' is already declared (${at(previous)}); Stan does not allow shadowing.`, span);
}

export function reservedName(name: string, span: Span): Diagnostic {
  return error('type/reserved-name', `'${name}' is not a valid name: names ending in '__' are reserved.`, span);
}

export function functionAsVariable(name: string, span: Span): Diagnostic {
  return error('type/function-as-variable', `'${name}' is a function, not a variable; call it as ${name}(...).`, span);
}

export function variableAsFunction(name: string, span: Span, declared: Span): Diagnostic {
  return error(
    'type/variable-as-function',
    `'${name}' is a variable (declared ${at(declared)}), not a function; it cannot be called.`,
    span,
  );
}

export function targetAsVariable(span: Span): Diagnostic {
  return error(
    'type/target-variable',
    "'target' is not a variable: read the log density with target() and add to it with 'target += ...'.",
    span,
  );
}

// --- literals ------------------------------------------------------------------

export function intLiteralTooLarge(text: string, span: Span): Diagnostic {
  return error('type/int-literal', `Integer literal ${text} is too large; ints are 32-bit (at most 2147483647).`, span);
}

export function stringOutsidePrint(span: Span): Diagnostic {
  return error('type/string-literal', 'String literals can only be used in print, reject and fatal_error.', span);
}

// --- operators and expressions ---------------------------------------------------

export function illTypedBinary(op: string, left: StanType, right: StanType, span: Span, available: string[]): Diagnostic {
  return error(
    'type/operator',
    `Operator '${op}' cannot be applied to ${showType(left)} and ${showType(right)}.`,
    span,
    available.length ? [`available: ${available.join('; ')}`] : undefined,
  );
}

export function illTypedUnary(op: string, operand: StanType, span: Span): Diagnostic {
  return error('type/operator', `Operator '${op}' cannot be applied to ${showType(operand)}.`, span);
}

export function illTypedTranspose(operand: StanType, span: Span): Diagnostic {
  return error(
    'type/operator',
    `Transpose (') needs a vector, row_vector or matrix, found ${showType(operand)}.`,
    span,
  );
}

export function integerDivision(text: string, span: Span): Diagnostic {
  return warning(
    'type/integer-division',
    `Integer division truncates: '${text}' rounds towards zero. Use '%/%' if that is intended, or '1.0 * ${text}' for real division.`,
    span,
  );
}

export function matrixPower(text: string, span: Span): Diagnostic {
  return warning(
    'type/matrix-power',
    `'${text}' raises each element to the power (like .^); write .^ to say so, or use matrix_power for the matrix power.`,
    span,
  );
}

export function conditionType(what: string, t: StanType, span: Span): Diagnostic {
  return error('type/condition', `The condition of ${what} must be int or real, found ${showType(t)}.`, span);
}

export function loopBoundType(t: StanType, span: Span): Diagnostic {
  return error('type/loop-bound', `For loop bounds must be int, found ${showType(t)}.`, span);
}

export function foreachType(t: StanType, span: Span): Diagnostic {
  return error(
    'type/foreach',
    `A foreach loop iterates over an array, vector, row_vector or matrix, found ${showType(t)}.`,
    span,
  );
}

export function ternaryCondition(t: StanType, span: Span): Diagnostic {
  return error('type/condition', `The condition of '?:' must be int, found ${showType(t)}.`, span);
}

export function ternaryBranches(a: StanType, b: StanType, span: Span): Diagnostic {
  return error(
    'type/conditional-branches',
    `The branches of '?:' have no common type: ${showType(a)} and ${showType(b)}.`,
    span,
  );
}

export function arrayExprMismatch(first: StanType, other: StanType, span: Span): Diagnostic {
  return error(
    'type/array-expression',
    `Array expression elements must share a type: found ${showType(first)} and ${showType(other)}.`,
    span,
  );
}

export function emptyArrayExpr(span: Span): Diagnostic {
  return error('type/array-expression', 'Empty array expressions {} are not allowed; use rep_array or a declaration.', span);
}

export function rowVectorExprMismatch(t: StanType, span: Span): Diagnostic {
  return error(
    'type/row-vector-expression',
    `Elements of [...] must be all scalars (making a row_vector) or all row_vectors (making a matrix), found ${showType(t)}.`,
    span,
  );
}

export function notATuple(t: StanType, span: Span): Diagnostic {
  return error('type/tuple', `Only tuples have elements .1, .2, ...; this is ${showType(t)}.`, span);
}

export function tupleIndexRange(index: number, size: number, span: Span): Diagnostic {
  return error('type/tuple', `Tuple index .${index} is out of range: the tuple has ${size} elements.`, span);
}

// --- indexing -----------------------------------------------------------------

export function indexType(t: StanType, span: Span): Diagnostic {
  return error('type/index', `Index must be int or array[] int (or a range a:b), found ${showType(t)}.`, span);
}

export function rangeBoundType(t: StanType, span: Span): Diagnostic {
  return error('type/index', `Range bounds in an index must be int, found ${showType(t)}.`, span);
}

export function tooManyIndexes(what: string, t: StanType, allowed: number, found: number, span: Span): Diagnostic {
  if (allowed === 0) return error('type/too-many-indexes', `${what} has type ${showType(t)}, which cannot be indexed.`, span);
  return error(
    'type/too-many-indexes',
    `Too many indexes for ${what} of type ${showType(t)}: at most ${allowed}, found ${found}.`,
    span,
  );
}

// --- function calls -------------------------------------------------------------

export function illTypedArguments(name: string, args: readonly StanType[], span: Span, available: string[], more: number): Diagnostic {
  const list = available.length ? ` Available signatures: ${available.join('; ')}${more > 0 ? '; ...' : ''}` : '';
  const notes = more > 0 ? [`${more} more signature(s): run 'hstan functions ${name}'`] : undefined;
  return error('type/ill-typed-arguments', `Ill-typed arguments to '${name}': ${showTypes(args)}.${list}`, span, notes);
}

export function ambiguousCall(name: string, args: readonly StanType[], span: Span, candidates: string[]): Diagnostic {
  return error(
    'type/ambiguous-call',
    `Call to '${name}' with ${showTypes(args)} is ambiguous: several overloads match equally well.`,
    span,
    candidates.map((c) => `candidate: ${c}`),
  );
}

export function voidInExpression(name: string, span: Span): Diagnostic {
  return error('type/void-value', `'${name}' returns nothing (void) and cannot be used as a value.`, span);
}

export function nonVoidStatement(name: string, t: StanType, span: Span): Diagnostic {
  return error(
    'type/unused-value',
    `'${name}' returns ${showType(t)}; only void functions can be called as statements (use the value, e.g. assign it).`,
    span,
  );
}

export function dataOnlyArgument(name: string, param: string, span: Span): Diagnostic {
  return error(
    'type/data-only-argument',
    `Argument '${param}' of '${name}' must be data (declared 'data'), but this expression depends on parameters.`,
    span,
  );
}

export function conditionalRequired(name: string, span: Span): Diagnostic {
  return error(
    'type/conditional-bar',
    `Probability functions need '|' after their first argument: write ${name}(y | ...), not ${name}(y, ...).`,
    span,
  );
}

export function conditionalNotAllowed(name: string, span: Span): Diagnostic {
  return error(
    'type/conditional-bar',
    `Only probability functions (_lpdf, _lupdf, _lpmf, _lupmf, _cdf, _lcdf, _lccdf) take '|'; '${name}' is not one.`,
    span,
  );
}

export function deprecatedName(old: string, replacement: string, span: Span): Diagnostic {
  const now = replacement === 'target' ? 'target()' : replacement;
  return warning('type/deprecated', `'${old}' was removed from Stan; use '${now}' instead.`, span);
}

export function removedUnsupported(old: string, replacement: string, span: Span): Diagnostic {
  return error(
    'type/removed-function',
    `'${old}' was removed from Stan; its replacement '${replacement}' is not supported by hstan.`,
    span,
  );
}

export function incrementLogProbInExpression(span: Span): Diagnostic {
  return error('type/removed-function', "'increment_log_prob(...)' is a statement; write 'target += ...;' instead.", span);
}

export function wrongArgumentCount(name: string, expected: number, found: number, span: Span): Diagnostic {
  return error('type/ill-typed-arguments', `'${name}' takes ${expected} arguments, found ${found}.`, span);
}

// --- placement ----------------------------------------------------------------

export function rngPlacement(name: string, span: Span): Diagnostic {
  return error(
    'type/rng-placement',
    `Random number generator '${name}' is only allowed in transformed data, generated quantities and functions ending in _rng.`,
    span,
  );
}

export function rngInSize(name: string, span: Span): Diagnostic {
  return error('type/rng-placement', `Random number generator '${name}' cannot be used in a declaration's sizes.`, span);
}

export function lpPlacement(name: string, span: Span): Diagnostic {
  return error(
    'type/lp-placement',
    `'${name}' changes target and can only be called in the model block, transformed parameters, or functions ending in _lp.`,
    span,
  );
}

export function lupdfPlacement(name: string, normalized: string, span: Span): Diagnostic {
  return error(
    'type/unnormalized-placement',
    `Unnormalized '${name}' is only allowed in the model block or in _lpdf/_lpmf/_lp functions; use '${normalized}' here.`,
    span,
  );
}

export function tildePlacement(span: Span): Diagnostic {
  return error(
    'type/tilde-placement',
    "'~' statements are only allowed in the model block (or in functions ending in _lp).",
    span,
  );
}

export function targetPlusPlacement(span: Span): Diagnostic {
  return error(
    'type/target-placement',
    "'target +=' is only allowed in the model block (or in functions ending in _lp).",
    span,
  );
}

export function targetReadPlacement(span: Span): Diagnostic {
  return error(
    'type/target-placement',
    'target() can only be read in the model block, transformed parameters, or functions ending in _lp.',
    span,
  );
}

export function jacobianPlacement(span: Span): Diagnostic {
  return error(
    'type/jacobian-placement',
    "'jacobian +=' is only allowed in transformed parameters (or in functions ending in _jacobian).",
    span,
  );
}

export function jacobianFunctionPlacement(name: string, span: Span): Diagnostic {
  return error(
    'type/jacobian-placement',
    `'${name}' adds a Jacobian adjustment and can only be called in transformed parameters or other _jacobian functions.`,
    span,
  );
}

export function targetType(t: StanType, span: Span): Diagnostic {
  return error('type/target-value', `'target +=' needs an int, real or real container, found ${showType(t)}.`, span);
}

export function breakOutsideLoop(kind: 'break' | 'continue', span: Span): Diagnostic {
  return error('type/loop-control', `'${kind}' is only allowed inside a loop.`, span);
}

export function statementInDeclarationBlock(block: BlockName, span: Span): Diagnostic {
  return error('type/block-contents', `Only variable declarations are allowed in the ${block} block.`, span);
}

export function nonFunctionInFunctionsBlock(span: Span): Diagnostic {
  return error('type/block-contents', 'Only function definitions are allowed in the functions block.', span);
}

// --- distributions ---------------------------------------------------------------

export function tildeNoDistribution(name: string, span: Span, suggestion?: string): Diagnostic {
  return error(
    'type/unknown-distribution',
    `Unknown distribution '${name}': '~ ${name}(...)' needs a function ${name}_lpdf or ${name}_lpmf.${didYouMean(suggestion)}`,
    span,
  );
}

export function tildeDiscreteOnReal(lhs: string, t: StanType, dist: string, span: Span): Diagnostic {
  return error(
    'type/discrete-distribution',
    `'${lhs}' is ${showType(t)}: '~' on it needs a distribution over reals, '${dist}' is over integers.`,
    span,
  );
}

export function tildeSuffix(name: string, stem: string, span: Span): Diagnostic {
  return error('type/tilde-suffix', `Write '~ ${stem}(...)' without the suffix: '~ ${name}(...)' is not valid.`, span);
}

export function tildeCdf(name: string, span: Span): Diagnostic {
  return error('type/tilde-suffix', `'~' needs a density or mass function; '${name}' is a cumulative distribution function.`, span);
}

export function truncationNeedsCdf(dist: string, args: readonly StanType[], span: Span): Diagnostic {
  return error(
    'type/truncation',
    `Truncation T[...] needs '${dist}_lcdf' and '${dist}_lccdf' accepting ${showTypes(args)}; they are not available.`,
    span,
  );
}

export function truncationBound(t: StanType, span: Span): Diagnostic {
  return error('type/truncation', `Truncation bounds must be int or real, found ${showType(t)}.`, span);
}

// --- assignment -----------------------------------------------------------------

export type ReadOnlyReason = 'data' | 'transformed data' | 'parameters' | 'transformed parameters' | 'generated quantities' | 'loop' | 'argument';

export function readOnly(name: string, reason: ReadOnlyReason, span: Span): Diagnostic {
  const why: Record<ReadOnlyReason, string> = {
    data: 'data is read-only',
    'transformed data': 'transformed data can only be assigned in the transformed data block',
    parameters: 'parameters are read-only',
    'transformed parameters': 'transformed parameters can only be assigned in the transformed parameters block',
    'generated quantities': 'generated quantities can only be assigned in the generated quantities block',
    loop: 'loop variables are read-only',
    argument: 'function arguments are read-only',
  };
  return error('type/read-only', `Cannot assign to '${name}': ${why[reason]}.`, span);
}

export function assignmentType(name: string, target: StanType, value: StanType, span: Span): Diagnostic {
  return error(
    'type/assignment',
    `Cannot assign ${showType(value)} to '${name}' of type ${showType(target)}.`,
    span,
  );
}

export function compoundAssignment(op: string, target: StanType, value: StanType, span: Span): Diagnostic {
  return error(
    'type/assignment',
    `Operator '${op}' cannot update a ${showType(target)} with a ${showType(value)}.`,
    span,
  );
}

export function badLvalue(span: Span): Diagnostic {
  return error('type/assignment', 'The left side of an assignment must be a variable, optionally indexed.', span);
}

export function multiIndexLvalue(span: Span): Diagnostic {
  return error(
    'type/assignment',
    'Cannot assign through a multi-index followed by more indexing; index all positions at once (x[i, j]).',
    span,
  );
}

// --- declarations ----------------------------------------------------------------

export function sizeType(name: string, t: StanType, span: Span): Diagnostic {
  return error('type/size', `Sizes of '${name}' must be int, found ${showType(t)}.`, span);
}

export function sizeNotData(name: string, block: BlockName, span: Span): Diagnostic {
  return error(
    'type/size',
    `Sizes of '${name}' (in the ${block} block) must be data: this expression depends on parameters.`,
    span,
  );
}

export function sizeCount(name: string, base: string, expected: string, found: number, span: Span): Diagnostic {
  return error('type/size', `'${name}' of type ${base} needs ${expected} size(s), found ${found}.`, span);
}

export function boundType(name: string, what: string, declared: StanType, found: StanType, span: Span): Diagnostic {
  return error(
    'type/bounds',
    `The ${what} of '${name}' must be int, real or ${showType(declared)}, found ${showType(found)}.`,
    span,
  );
}

export function intBoundsReal(name: string, span: Span): Diagnostic {
  return error('type/bounds', `Bounds of integer variable '${name}' must be int.`, span);
}

export function boundsNotAllowed(name: string, why: string, span: Span): Diagnostic {
  return error('type/bounds', `'${name}' cannot have bounds: ${why}.`, span);
}

export function constrainedLocal(name: string, base: string, span: Span): Diagnostic {
  return error(
    'type/constrained-local',
    `'${name}' cannot be declared ${base} here: constrained types are only for top-level variables of a program block.`,
    span,
  );
}

export function intParameter(name: string, block: BlockName, span: Span): Diagnostic {
  return error('type/int-parameter', `'${name}' is declared in ${block} and cannot be an integer (or contain one).`, span);
}

export function initNotAllowed(name: string, block: BlockName, span: Span): Diagnostic {
  return error('type/initializer', `Variables in the ${block} block cannot be given values ('${name}').`, span);
}

// --- functions --------------------------------------------------------------------

export function functionNotDefined(name: string, span: Span): Diagnostic {
  return error('type/undefined-function', `Function '${name}' is declared but never defined.`, span);
}

export function missingReturn(name: string, span: Span): Diagnostic {
  return error(
    'type/missing-return',
    `Function '${name}' must return a value on every path (or end in reject/fatal_error).`,
    span,
  );
}

export function returnOutsideFunction(span: Span): Diagnostic {
  return error('type/return', "'return' is only allowed inside function definitions.", span);
}

export function returnValueFromVoid(name: string, span: Span): Diagnostic {
  return error('type/return', `Function '${name}' is void and cannot return a value.`, span);
}

export function returnWithoutValue(name: string, t: StanType, span: Span): Diagnostic {
  return error('type/return', `Function '${name}' must return a value of type ${showType(t)}.`, span);
}

export function returnType(name: string, expected: StanType, found: StanType, span: Span): Diagnostic {
  return error(
    'type/return',
    `Function '${name}' returns ${showType(expected)}, but this returns ${showType(found)}.`,
    span,
  );
}

export function duplicateFunction(name: string, span: Span, previous: Span): Diagnostic {
  return error(
    'type/duplicate-function',
    `Function '${name}' is already ${'defined'} with these argument types (${at(previous)}).`,
    span,
  );
}

export function overloadReturnOnly(name: string, span: Span, previous: Span): Diagnostic {
  return error(
    'type/duplicate-function',
    `Function '${name}' is declared again with the same argument types but a different return type (${at(previous)}).`,
    span,
  );
}

export function builtinClash(name: string, signature: string, span: Span): Diagnostic {
  return error(
    'type/duplicate-function',
    `Function '${name}' clashes with the built-in '${signature}'; overloads of built-ins need different argument types.`,
    span,
  );
}

export function duplicateParam(fn: string, param: string, span: Span): Diagnostic {
  return error('type/duplicate-argument', `Function '${fn}' has two arguments named '${param}'.`, span);
}

export function densityFirstArgument(name: string, want: 'real' | 'int', found: StanType | undefined, span: Span): Diagnostic {
  const got = found ? `found ${showType(found)}` : 'it has no arguments';
  return want === 'real'
    ? error('type/density-definition', `Density '${name}' must take a real-valued first argument (the variate); ${got}.`, span)
    : error('type/density-definition', `Mass function '${name}' must take an int or array[] int first argument; ${got}.`, span);
}

export function densityReturn(name: string, found: StanType, span: Span): Diagnostic {
  return error('type/density-definition', `Function '${name}' must return real, found ${showType(found)}.`, span);
}

export function unnormalizedDefinition(name: string, normalized: string, span: Span): Diagnostic {
  return error(
    'type/density-definition',
    `Define '${normalized}', not '${name}': the unnormalized form comes with it automatically.`,
    span,
  );
}

export function notPrintable(span: Span): Diagnostic {
  return error('type/print', 'Functions cannot be printed.', span);
}

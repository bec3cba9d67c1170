import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';
import { InputError, type SourcePosition } from '../errors.ts';
import { parsePythonLiteral } from '../inventory/python-literal.ts';
import type { Vars } from '../inventory/types.ts';
import { compileJinja, outermostFilter } from './jinja-compile.ts';
import { pythonMethod } from './python-methods.ts';
import { Slice, applySlice, pyTruthy, pythonOperators, sequenceIndex } from './python-operators.ts';
import { PyTuple, pythonStr } from './python-text.ts';
import { TemplateFilterError, installAnsibleFilters, type TemplateEnvironment } from './template-filters.ts';
import { installAnsibleTests } from './template-tests.ts';
import { Missing, MissingValueUsed, UndefinedVariableError, describeExpression } from './undefined.ts';

export { UndefinedVariableError } from './undefined.ts';
import { installLookups } from './template-lookups.ts';

// Ansible's templating (Jinja2) on nunjucks. We drive nunjucks' compiled templates ourselves
// with a runtime whose variable and attribute lookups return `Missing` instead of `undefined`,
// so an undefined variable is an error while `default`, `is defined` and `is not defined`
// still work on it, and whose output prints values as Python does. Templates compile with
// Jinja2's grammar (jinja-compile.ts). Nothing global is patched: other nunjucks users are unaffected.

const require = createRequire(import.meta.url);

interface NunjucksFrame {
  lookup(name: string): unknown;
  topLevel: boolean;
}
interface NunjucksContext {
  ctx: Vars;
}
interface NunjucksRuntime {
  Frame: new () => NunjucksFrame;
  memberLookup(obj: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: NunjucksContext, frame: NunjucksFrame, name: string): unknown;
  callWrap(obj: unknown, name: string, context: unknown, args: unknown[]): unknown;
  inOperator(key: unknown, value: unknown): boolean;
  suppressValue(value: unknown, autoescape: boolean): string;
  SafeString: new (value: string) => object;
}
type RootRender = (
  env: nunjucks.Environment,
  context: NunjucksContext,
  frame: NunjucksFrame,
  runtime: NunjucksRuntime,
  cb: (err: unknown, res: string) => void,
) => void;
interface CompiledTemplate {
  compile(): void;
  blocks: unknown;
  rootRenderFunc: RootRender;
}

const runtime = require('nunjucks/src/runtime.js') as NunjucksRuntime;
type ContextClass = new (ctx: Vars, blocks: unknown, env: nunjucks.Environment) => NunjucksContext;

/** Where the `__capture` filter leaves an expression's native value on the render context. */
const CAPTURED = Symbol('captured');

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false }) as TemplateEnvironment;
// Python spellings Ansible users write; nunjucks only knows true/false/none.
env.addGlobal('True', true);
env.addGlobal('False', false);
env.addGlobal('None', null);
env.addFilter('__capture', function (this: NunjucksContext, value: unknown) {
  (this as unknown as Record<symbol, unknown>)[CAPTURED] = value;
  return '';
});
installAnsibleFilters(env);
installLookups(env);
installAnsibleTests(env);

// nunjucks does not export its Context class; a filter sees the render context as `this`.
const Context = ((): ContextClass => {
  let found: ContextClass | undefined;
  env.addFilter('__context_class', function (this: NunjucksContext) {
    found = this.constructor as ContextClass;
    return '';
  });
  new nunjucks.Template('{{ 0 | __context_class }}', env).render({});
  if (!found) throw new Error('nunjucks did not expose its render context');
  return found;
})();

const TEMPLATE_MARKERS = /\{\{|\{%|\{#/;
const cache = new Map<string, CompiledTemplate>();

/**
 * How a template is read: `argument` as Ansible templates task arguments and vars (backslashes
 * literal inside `{{ }}`, the result converted back to a list, dict or bool when it reads as one),
 * `text` as its template module renders a file (text out, backslashes escape).
 */
export type RenderMode = 'argument' | 'text';

function compile(source: string, mode: RenderMode, position: SourcePosition | undefined, shown: string): CompiledTemplate {
  const key = `${mode}\0${source}`;
  let template = cache.get(key);
  if (template) return template;
  try {
    template = compileJinja(source, env, mode === 'argument') as unknown as CompiledTemplate;
  } catch (error) {
    const reason = String((error as Error).message).replace(/^\(unknown path\)\s*/, '').split('\n').pop()!.trim();
    throw new InputError(`invalid template ${describeExpression(shown)}: ${reason}`, position, { cause: error });
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, template);
  return template;
}

/** Lookup paths of objects handed to the template, so a missing attribute names its variable. */
type PathTracker = WeakMap<object, string>;

function attributePath(parentPath: string, parent: unknown, key: unknown): string {
  return Array.isArray(parent) && /^\d+$/.test(String(key)) ? `${parentPath}[${key}]` : `${parentPath}.${String(key)}`;
}

function rootOf(path: string): string {
  return path.split(/[.[]/)[0];
}

function hasAttribute(obj: unknown, key: string): boolean {
  if (typeof obj === 'object' && obj !== null) return key in obj;
  return (obj as Record<string, unknown>)[key] !== undefined;
}

/** A nunjucks runtime for one render; every Missing it hands out is recorded in `created`. */
function strictRuntime(created: Missing[], paths: PathTracker): NunjucksRuntime {
  const missing = (variable: string, path: string): Missing => {
    const value = new Missing(variable, path);
    created.push(value);
    return value;
  };
  const track = (value: unknown, path: string): unknown => {
    if (typeof value === 'object' && value !== null) paths.set(value, path);
    return value;
  };
  return {
    ...runtime,
    ...pythonOperators,
    // Jinja2 prints a value with Python's str(); Ansible's finalize prints None as nothing.
    suppressValue(value) {
      if (value instanceof Missing) throw new MissingValueUsed(value);
      if (value === null || value === undefined) return '';
      if (value instanceof runtime.SafeString) return String(value);
      return pythonStr(value);
    },
    contextOrFrameLookup(context, frame, name) {
      let value = frame.lookup(name);
      if (value === undefined) {
        if (name in context.ctx) value = context.ctx[name];
        else if (name in env.globals) value = env.globals[name];
      }
      return value === undefined ? missing(name, name) : track(value, name);
    },
    memberLookup(obj, key) {
      if (obj instanceof Missing) {
        obj.consumed = true;
        return missing(obj.variable, attributePath(obj.path, undefined, key));
      }
      if (key instanceof Slice) return applySlice(obj, key);
      const fromEnd = sequenceIndex(obj, key);
      if (fromEnd !== undefined) return fromEnd;
      const name = String(key);
      if (obj === null || obj === undefined) return missing(name, `None.${name}`);
      const parentPath = (typeof obj === 'object' && paths.get(obj)) || '';
      const path = attributePath(parentPath, obj, key);
      const method = pythonMethod(obj, name);
      if (method) return method;
      const value = (obj as Record<string, unknown>)[name];
      if (typeof value === 'function') return (...args: unknown[]) => value.apply(obj, args);
      if (!hasAttribute(obj, name) || value === undefined) {
        return missing(parentPath ? rootOf(path) : name, parentPath ? path : name);
      }
      return track(value, path);
    },
    callWrap(obj, name, context, args) {
      if (obj instanceof Missing) throw new MissingValueUsed(obj);
      return runtime.callWrap(obj, name, context, args);
    },
    inOperator(key, value) {
      if (key instanceof Missing) throw new MissingValueUsed(key);
      if (value instanceof Missing) throw new MissingValueUsed(value);
      return runtime.inOperator(key, value);
    },
  };
}

function findCause<T>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof type) return e;
  }
  return undefined;
}

/** Reasons safe to show: ours and nunjucks' own carry names and expressions, never values. */
function safeReason(error: unknown): string {
  const own = findCause(error, TemplateFilterError);
  if (own) return own.message;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof TypeError) return cause.message;
  // nunjucks' own lookups fail with plain Errors that name the filter/test/function, not values.
  if (cause instanceof Error && /^(filter not found|test not found|Unable to call)/.test(cause.message)) return cause.message;
  if (cause instanceof Error) return cause.name;
  return String((error as Error).message ?? error).replace(/^\(unknown path\)\s*/, '').split('\n').pop()!.trim();
}

/** Render `source`; errors quote `shown`, the text the user wrote (without our wrapper). */
function run(source: string, mode: RenderMode, vars: Vars, position?: SourcePosition, shown = source): { output: string; captured: unknown } {
  const template = compile(source, mode, position, shown);
  const created: Missing[] = [];
  const context = new Context(vars, template.blocks, env);
  const frame = new runtime.Frame();
  frame.topLevel = true;
  let output = '';
  let failure: unknown;
  template.rootRenderFunc(env, context, frame, strictRuntime(created, new WeakMap()), (err, res) => {
    failure = err;
    output = res;
  });
  if (failure) {
    const used = findCause(failure, MissingValueUsed);
    if (used) throw new UndefinedVariableError(used.missing.variable, used.missing.path, shown, position);
    const thrown = findCause(failure, InputError);
    if (thrown) throw thrown;
    // A filter that choked on an undefined value (`x.y | trim` calls x.y.replace) failed because
    // of that value: report the undefined variable, not the filter's internals.
    const undefinedInput = created.find((m) => !m.consumed);
    if (undefinedInput) throw new UndefinedVariableError(undefinedInput.variable, undefinedInput.path, shown, position);
    throw new InputError(`cannot render ${describeExpression(shown)}: ${safeReason(failure)}`, position, { cause: failure });
  }
  const leftover = created.find((m) => !m.consumed);
  if (leftover) throw new UndefinedVariableError(leftover.variable, leftover.path, shown, position);
  return { output, captured: (context as unknown as Record<symbol, unknown>)[CAPTURED] };
}

/** `{{ expr }}` and nothing else around it: Ansible returns the expression's native value. */
function singleExpression(source: string): string | undefined {
  const match = /^\{\{-?([\s\S]*?)-?\}\}$/.exec(source);
  if (!match) return undefined;
  const inner = match[1];
  // `{{ a }} and {{ b }}` also matches the pattern above; a lone expression has no delimiters inside.
  if (/\{\{|\}\}|\{%|%\}/.test(inner)) return undefined;
  return inner;
}

function evaluate(expression: string, mode: RenderMode, vars: Vars, position?: SourcePosition, shown = expression): unknown {
  // The newline keeps a trailing `# comment`-free expression from swallowing the wrapper.
  return run(`{{ (${expression}\n) | __capture }}`, mode, vars, position, shown).captured;
}

/** Filters whose text Ansible keeps as text rather than reading it back (C.STRING_TYPE_FILTERS). */
const TEXT_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

/** Ansible's ansible_eval_concat: text that reads as a list, dict or bool becomes one. */
function readBack(text: string): unknown {
  if (!(text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False')) return text;
  return parsePythonLiteral(text, text, { jsonNames: true });
}

/**
 * A lone expression's value as a task argument gets it. Ansible keeps lists, dicts and bools,
 * prints None as '' and reads strings back; it also prints numbers as text, which its modules'
 * argument specs turn back into numbers: playgraph keeps the number.
 */
function argumentValue(value: unknown, expression: string): unknown {
  if (value === null || value === undefined) return '';
  if (value instanceof PyTuple) return pythonStr(value);
  if (typeof value !== 'string') return value;
  const last = outermostFilter(`{{ ${expression} }}`);
  return last !== undefined && TEXT_FILTERS.has(last) ? value : readBack(value);
}

function trailingNewlines(text: string): number {
  return /\n*$/.exec(text)![0].length;
}

/** Jinja2 drops one trailing newline of the source; Ansible puts back what the output lacks. */
function keepTrailingNewlines(source: string, output: unknown): unknown {
  if (typeof output !== 'string') return output;
  const missing = trailingNewlines(source) - trailingNewlines(output);
  return missing > 0 ? output + '\n'.repeat(missing) : output;
}

/** Templar's shortcut: a bare `{{ name }}` of a bool, number or null variable is that value. */
const BARE_VARIABLE = /^\{\{\s*(\w*)\s*\}\}\n?$/;

export function renderString(source: string, vars: Vars, position?: SourcePosition): unknown {
  if (!TEMPLATE_MARKERS.test(source)) return source;
  const bare = BARE_VARIABLE.exec(source)?.[1];
  if (bare && Object.hasOwn(vars, bare)) {
    const value = vars[bare];
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  }
  const body = source.endsWith('\n') ? source.slice(0, -1) : source;
  const expression = singleExpression(body);
  let value = expression !== undefined
    ? argumentValue(evaluate(expression, 'argument', vars, position, source), expression)
    : readBack(run(body, 'argument', vars, position, source).output);
  // Ansible's text of a number, which a newline after `}}` keeps as text.
  if (typeof value === 'number' && trailingNewlines(source) > 0) value = pythonStr(value);
  return keepTrailingNewlines(source, value);
}

/** A template file's text as Ansible's template module renders it. */
export function renderText(source: string, vars: Vars, position?: SourcePosition): string {
  if (!TEMPLATE_MARKERS.test(source)) return source;
  const body = source.endsWith('\n') ? source.slice(0, -1) : source;
  return keepTrailingNewlines(source, run(body, 'text', vars, position, source).output) as string;
}

/** Render every string in a value (nested objects and arrays included) with the host's vars. */
export function renderValue(value: unknown, vars: Vars, position?: SourcePosition): unknown {
  if (typeof value === 'string') return renderString(value, vars, position);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, vars, position));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, vars, position)]));
  }
  return value;
}

/**
 * Evaluate a `when`/`changed_when`/`failed_when`/`until` condition as Ansible 2.14's Conditional
 * does: a literal boolean; a bare Jinja expression (`result.rc == 0 and x is defined`) judged by
 * Python's truthiness (an empty list is false, the string "false" is true); or (tolerated, as
 * Ansible does with a warning) a `{{ }}` template, rendered first: a non-text result is judged
 * as it is, an empty one is false, and other text is then evaluated as an expression itself
 * (so "{{ 'n == 3' }}" tests n, and "{{ word }}" holding "yes" names the undefined `yes`).
 */
export function evaluateCondition(expr: string | boolean, vars: Vars, position?: SourcePosition): boolean {
  if (typeof expr === 'boolean') return expr;
  let conditional: unknown = expr;
  if (TEMPLATE_MARKERS.test(expr)) {
    conditional = renderString(expr, vars, position);
    if (typeof conditional !== 'string' || conditional === '') return pyTruthy(conditional);
  }
  // Ansible templates `{% if expr %}`, where backslashes in strings escape as in any block.
  return pyTruthy(evaluate(conditional as string, 'text', vars, position, expr));
}

import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';
import { pythonUnescape } from './python-text.ts';

// Jinja2's grammar where nunjucks' differs, by subclassing nunjucks' own parser and compiler
// (no global patching): slices (`s[:4]`, `l[::-1]`), tuples (`(a, b)`), and the operators whose
// meaning is Python's: `+` joins lists, `*` repeats strings, `%` formats strings and takes the
// divisor's sign, `~` prints values as Python prints them; string literals unescape as Python's
// do. The compiled code calls `runtime.py*` helpers, which the renderer's runtime provides (see
// python-operators.ts).

const require = createRequire(import.meta.url);

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
interface Node {
  [field: string]: unknown;
  typename: string;
  lineno: number;
  colno: number;
  children: Node[];
  left: Node;
  right: Node;
}
type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => Node;
type NodeClassFactory = NodeClass & { extend(name: string, props: { fields: string[] }): NodeClass };

interface ParserBase {
  tokens: unknown;
  extensions: unknown[];
  peekToken(): Token;
  nextToken(): Token;
  skip(type: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  parseExpression(): Node;
  parseAggregate(): Node | null;
  parseSignature(): Node;
  parsePostfix(node: Node): Node;
  parsePrimary(): Node;
  parseCompare(): Node;
  skipSymbol(name: string): boolean;
  parseAsRoot(): Node;
}
interface CompilerBase {
  _emit(code: string): void;
  _compileExpression(node: Node, frame: unknown): void;
  compileGroup(node: Node, frame: unknown): void;
  compileIf(node: Node, frame: unknown, async: boolean): void;
  compileInlineIf(node: Node, frame: unknown): void;
  compileFor(node: Node, frame: unknown): void;
  _tmpid(): string;
  compile(node: Node, frame: unknown): void;
  getCode(): string;
}

const lexer = require('nunjucks/src/lexer.js') as {
  lex(src: string, opts: object): unknown;
  TOKEN_LEFT_PAREN: string;
  TOKEN_LEFT_BRACKET: string;
  TOKEN_RIGHT_BRACKET: string;
  TOKEN_COLON: string;
  TOKEN_OPERATOR: string;
  TOKEN_SYMBOL: string;
  TOKEN_VARIABLE_START: string;
  TOKEN_VARIABLE_END: string;
  TOKEN_COMMENT: string;
  TOKEN_STRING: string;
  TOKEN_INT: string;
  TOKEN_FLOAT: string;
  TOKEN_BOOLEAN: string;
  TOKEN_NONE: string;
  TOKEN_LEFT_CURLY: string;
};
interface Tokenizer {
  nextToken(): Token | null;
  _parseString(delimiter: string): string;
  current(): string;
  forward(): void;
  isFinished(): boolean;
}
const nodes = require('nunjucks/src/nodes.js') as Record<string, NodeClassFactory>;
const { Parser } = require('nunjucks/src/parser.js') as { Parser: new (tokens: unknown) => ParserBase };
const { Compiler } = require('nunjucks/src/compiler.js') as { Compiler: new (name: string, throwOnUndefined: boolean) => CompilerBase };
const transformer = require('nunjucks/src/transformer.js') as { transform(ast: Node, asyncFilters: string[], name: string): Node };

// Our own nodes are FunCalls by class, so nunjucks' type checks accept them as expressions.
/** `[start:stop:step]` as a lookup key. */
const SliceNode = nodes.FunCall.extend('PySlice', { fields: ['start', 'stop', 'step'] });
/** A condition tested with Python's truthiness (an empty list or dict is false). */
const TruthyNode = nodes.FunCall.extend('PyTruthy', { fields: ['value'] });
/** `for x in items if cond`: the items for which cond holds, as Jinja2's loop filter. */
const LoopFilterNode = nodes.FunCall.extend('PyLoopFilter', { fields: ['target', 'items', 'cond'] });

const Literal = nodes.Literal as unknown as new (lineno: number, colno: number, value: unknown) => Node;
const LookupVal = nodes.LookupVal as unknown as new (lineno: number, colno: number, target: Node, val: Node) => Node;
const FunCall = nodes.FunCall as unknown as new (lineno: number, colno: number, name: Node, args: Node) => Node;
const NodeList = nodes.NodeList as unknown as new (lineno: number, colno: number, children: Node[]) => Node;
const SymbolNode = nodes.Symbol as unknown as new (lineno: number, colno: number, value: string) => Node;
const IsNode = nodes.Is as unknown as new (lineno: number, colno: number, left: Node, right: Node) => Node;
const NotNode = nodes.Not as unknown as new (lineno: number, colno: number, target: Node) => Node;

/** Tokens that start a test's lone argument without parentheses (`x is divisibleby 3`). */
const BARE_ARGUMENT_TOKENS = () => [lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE, lexer.TOKEN_LEFT_PAREN, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY];

class JinjaParser extends Parser {
  // Jinja's `is`: any name (`in` too), then `(args)` or one bare argument (`x is eq 3`).
  parseIs(): Node {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const negated = this.skipSymbol('not');
    const name = this.nextToken();
    // `none`, `true` and `false` lex as literals but are test names here.
    if (![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(name.type)) this.fail(`expected a test name after 'is', got ${name.value}`, name.lineno, name.colno);
    const next = this.peekToken();
    let args: Node;
    if (next.type === lexer.TOKEN_LEFT_PAREN) {
      args = this.parseSignature();
    } else if (BARE_ARGUMENT_TOKENS().includes(next.type) && !(next.type === lexer.TOKEN_SYMBOL && ['else', 'or', 'and'].includes(next.value))) {
      args = new NodeList(next.lineno, next.colno, [this.parsePrimary()]);
    } else {
      args = new NodeList(name.lineno, name.colno, []);
    }
    node = new IsNode(node.lineno, node.colno, node, new FunCall(name.lineno, name.colno, new SymbolNode(name.lineno, name.colno, name.value), args));
    return negated ? new NotNode(node.lineno, node.colno, node) : node;
  }

  // Jinja's postfix: calls, `.name`, `[key]`, and slices, which nunjucks lacks.
  override parsePostfix(node: Node): Node {
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        this.nextToken();
        node = new LookupVal(tok.lineno, tok.colno, node, this.parseSubscript(tok));
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        if (name.type === lexer.TOKEN_INT || name.type === lexer.TOKEN_FLOAT) {
          // Jinja2's `item.0` (and `item.0.1`, which lexes as the float 0.1): indexes, not names.
          for (const index of name.value.split('.').filter(Boolean)) node = new LookupVal(tok.lineno, tok.colno, node, new Literal(name.lineno, name.colno, Number(index)));
          // `item.0.name` lexes as `0.` then `name`: the dot went into the float.
          const after = this.peekToken();
          if (name.value.endsWith('.') && after?.type === lexer.TOKEN_SYMBOL) {
            this.nextToken();
            node = new LookupVal(tok.lineno, tok.colno, node, new Literal(after.lineno, after.colno, after.value));
          }
          continue;
        }
        if (name.type !== lexer.TOKEN_SYMBOL) this.fail(`expected name as lookup value, got ${name.value}`, name.lineno, name.colno);
        node = new LookupVal(tok.lineno, tok.colno, node, new Literal(name.lineno, name.colno, name.value));
      } else {
        break;
      }
    }
    return node;
  }

  /** After `[`: a key, or `start:stop:step` with any part left out; consumes the `]`. */
  private parseSubscript(open: Token): Node {
    const part = (): Node | null => {
      const next = this.peekToken().type;
      return next === lexer.TOKEN_COLON || next === lexer.TOKEN_RIGHT_BRACKET ? null : this.parseExpression();
    };
    const start = part();
    if (!this.skip(lexer.TOKEN_COLON)) {
      if (!start || !this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail('expected ] after the index', open.lineno, open.colno);
      return start;
    }
    const stop = part();
    const step = this.skip(lexer.TOKEN_COLON) ? part() : null;
    if (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail('expected ] after the slice', open.lineno, open.colno);
    const none = (n: Node | null) => n ?? new Literal(open.lineno, open.colno, null);
    return new SliceNode(open.lineno, open.colno, none(start), none(stop), none(step));
  }
}

interface CompileFrame {
  push(): CompileFrame;
  set(name: string, id: string): void;
}

function truthy(node: Node): Node {
  return new TruthyNode(node.lineno, node.colno, node);
}

class JinjaCompiler extends Compiler {
  // Conditions take Python's truthiness; `and`/`or` return an operand, evaluated lazily.
  override compileIf(node: Node, frame: unknown, async: boolean): void {
    node.cond = truthy(node.cond as Node);
    super.compileIf(node, frame, async);
  }
  override compileInlineIf(node: Node, frame: unknown): void {
    node.cond = truthy(node.cond as Node);
    super.compileInlineIf(node, frame);
  }
  compileNot(node: Node, frame: unknown): void {
    this._emit('!');
    this.compilePyTruthy({ value: node.target } as unknown as Node & { value: Node }, frame);
  }
  compileAnd(node: Node, frame: unknown): void {
    this.emitShortCircuit(node, frame, 'and');
  }
  compileOr(node: Node, frame: unknown): void {
    this.emitShortCircuit(node, frame, 'or');
  }
  private emitShortCircuit(node: Node, frame: unknown, op: 'and' | 'or'): void {
    const left = this._tmpid();
    this._emit(`(function () { var ${left} = `);
    this._compileExpression(node.left, frame);
    this._emit(`; return ${op === 'and' ? '' : '!'}runtime.pyTruthy(${left}) ? `);
    this._compileExpression(node.right, frame);
    this._emit(` : ${left}; })()`);
  }
  compilePyTruthy(node: Node & { value: Node }, frame: unknown): void {
    this.emitCall('pyTruthy', [node.value], frame);
  }
  override compileFor(node: Node, frame: unknown): void {
    const items = node.arr as Node;
    if (items.typename === 'InlineIf' && !items.else_) {
      node.arr = new LoopFilterNode(items.lineno, items.colno, node.name, items.body, items.cond);
    }
    super.compileFor(node, frame);
  }
  /** runtime.pyLoopFilter(items, function (item) { var name = item; return cond; }) */
  compilePyLoopFilter(node: Node & { target: Node; items: Node; cond: Node }, frame: CompileFrame): void {
    const item = this._tmpid();
    const inner = frame.push();
    this._emit('runtime.pyLoopFilter(');
    this._compileExpression(node.items, frame);
    this._emit(`, function (${item}) { `);
    const names = node.target.typename === 'Array' ? node.target.children : [node.target];
    names.forEach((name, i) => {
      const id = this._tmpid();
      inner.set(name.value as string, id);
      this._emit(`var ${id} = ${names.length > 1 ? `${item}[${i}]` : item}; `);
    });
    this._emit('return runtime.pyTruthy(');
    this._compileExpression(node.cond, inner);
    this._emit('); })');
  }

  private emitCall(helper: string, operands: Node[], frame: unknown): void {
    this._emit(`runtime.${helper}(`);
    operands.forEach((operand, i) => {
      if (i > 0) this._emit(', ');
      this._compileExpression(operand, frame);
    });
    this._emit(')');
  }
  compileAdd(node: Node, frame: unknown): void {
    this.emitCall('pyAdd', [node.left, node.right], frame);
  }
  compileMul(node: Node, frame: unknown): void {
    this.emitCall('pyMul', [node.left, node.right], frame);
  }
  compileMod(node: Node, frame: unknown): void {
    this.emitCall('pyMod', [node.left, node.right], frame);
  }
  compileConcat(node: Node, frame: unknown): void {
    this.emitCall('pyConcat', [node.left, node.right], frame);
  }
  override compileGroup(node: Node, frame: unknown): void {
    if (node.children.length < 2) return super.compileGroup(node, frame);
    this._emit('runtime.pyTuple([');
    node.children.forEach((child, i) => {
      if (i > 0) this._emit(', ');
      this._compileExpression(child, frame);
    });
    this._emit('])');
  }
  // A test with its arguments: `env.getTest(name).call(context, value, arg1, arg2)`.
  compileIs(node: Node & { right: Node & { name: { value: string }; args: Node } }, frame: unknown): void {
    this._emit(`env.getTest(${JSON.stringify(node.right.name.value)}).call(context, `);
    this._compileExpression(node.left, frame);
    for (const arg of node.right.args.children) {
      this._emit(', ');
      this._compileExpression(arg, frame);
    }
    this._emit(') === true');
  }
  compilePySlice(node: Node & { start: Node; stop: Node; step: Node }, frame: unknown): void {
    this.emitCall('pySlice', [node.start, node.stop, node.step], frame);
  }
}

/**
 * nunjucks' tokens, with string literals read as Jinja2 reads them. `rawInVariables` is Ansible's
 * escape_backslashes for task arguments: inside `{{ }}` a backslash stays a backslash, so
 * `regex_replace('(\d+)', '\1')` needs no doubling; in `{% %}` and template files it escapes.
 */
function jinjaTokens(source: string, rawInVariables: boolean): Tokenizer {
  const tokens = lexer.lex(source, { trimBlocks: true }) as Tokenizer;
  let inVariable = false;
  const next = tokens.nextToken.bind(tokens);
  tokens.nextToken = () => {
    const tok = next();
    if (tok?.type === lexer.TOKEN_VARIABLE_START) inVariable = true;
    else if (tok?.type === lexer.TOKEN_VARIABLE_END) inVariable = false;
    // trim_blocks drops the newline after a comment too, as after a block tag.
    else if (tok?.type === lexer.TOKEN_COMMENT && !tokens.isFinished() && tokens.current() === '\n') tokens.forward();
    return tok;
  };
  tokens._parseString = (delimiter) => {
    tokens.forward();
    let raw = '';
    while (!tokens.isFinished() && tokens.current() !== delimiter) {
      if (tokens.current() === '\\') {
        raw += '\\';
        tokens.forward();
        if (tokens.isFinished()) break;
      }
      raw += tokens.current();
      tokens.forward();
    }
    tokens.forward();
    return rawInVariables && inVariable ? raw : pythonUnescape(raw);
  };
  return tokens;
}

function parse(source: string, rawInVariables: boolean): Node {
  const parser = new JinjaParser(jinjaTokens(source, rawInVariables));
  parser.extensions = [];
  return parser.parseAsRoot();
}

/** The filter applied last in a lone `{{ expr | f }}`, whose result Ansible keeps as text. */
export function outermostFilter(source: string): string | undefined {
  const output = parse(source, true).children[0];
  const node = output?.children?.[0] as (Node & { name?: { value?: string } }) | undefined;
  return node?.typename === 'Filter' ? node.name?.value : undefined;
}

/** The props nunjucks' Template takes as precompiled code: `root` and the `b_*` blocks. */
type TemplateProps = Record<string, unknown>;

/** Compile a Jinja2 source with Ansible's environment settings (trim_blocks on). */
export function compileJinja(source: string, env: nunjucks.Environment, rawInVariables: boolean): nunjucks.Template {
  const compiler = new JinjaCompiler('template', false);
  compiler.compile(transformer.transform(parse(source, rawInVariables), [], 'template'), null);
  const props = new Function(compiler.getCode())() as TemplateProps;
  const Template = nunjucks.Template as unknown as new (src: { type: 'code'; obj: TemplateProps }, env: nunjucks.Environment, path: undefined, eager: boolean) => nunjucks.Template;
  return new Template({ type: 'code', obj: props }, env, undefined, true);
}

// The subset of Inngest's CEL expressions that trigger `if`, cancelOn `match`/`if` and the
// onFailure wiring produce: dotted paths, string/number/bool/null literals, comparisons, `!`,
// `&&`, `||` and parentheses. Anything else is refused when functions sync, so an expression
// is never silently mis-evaluated at run time.

type Node =
  | { kind: "literal"; value: unknown }
  | { kind: "path"; parts: (string | number)[] }
  | { kind: "not"; operand: Node }
  | { kind: "binary"; op: string; left: Node; right: Node };

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(==|!=|<=|>=|&&|\|\||[<>!().[\]])|([A-Za-z_][A-Za-z0-9_]*))/y;

type Token = { type: "num" | "str" | "op" | "ident"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    TOKEN.lastIndex = index;
    const m = TOKEN.exec(source);
    if (!m) throw new ExpressionError(`unsupported syntax at "${source.slice(index).trim()}"`);
    index = TOKEN.lastIndex;
    if (m[1] !== undefined) tokens.push({ type: "num", text: m[1] });
    else if (m[2] !== undefined) tokens.push({ type: "str", text: unescape(m[2]) });
    else if (m[3] !== undefined) tokens.push({ type: "str", text: unescape(m[3]) });
    else if (m[4] !== undefined) tokens.push({ type: "op", text: m[4] });
    else if (m[5] !== undefined) tokens.push({ type: "ident", text: m[5] });
  }
  return tokens;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    const rest = this.tokens[this.pos];
    if (rest) throw new ExpressionError(`unexpected "${rest.text}"`);
    return node;
  }

  private peek(text: string): boolean {
    const t = this.tokens[this.pos];
    return t?.type === "op" && t.text === text;
  }

  private take(text: string): void {
    if (!this.peek(text)) throw new ExpressionError(`expected "${text}"`);
    this.pos++;
  }

  private or(): Node {
    let left = this.and();
    while (this.peek("||")) {
      this.pos++;
      left = { kind: "binary", op: "||", left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.comparison();
    while (this.peek("&&")) {
      this.pos++;
      left = { kind: "binary", op: "&&", left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Node {
    const left = this.unary();
    for (const op of ["==", "!=", "<=", ">=", "<", ">"]) {
      if (this.peek(op)) {
        this.pos++;
        return { kind: "binary", op, left, right: this.unary() };
      }
    }
    return left;
  }

  private unary(): Node {
    if (this.peek("!")) {
      this.pos++;
      return { kind: "not", operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.tokens[this.pos++];
    if (!t) throw new ExpressionError("unexpected end of expression");
    if (t.type === "num") return { kind: "literal", value: Number(t.text) };
    if (t.type === "str") return { kind: "literal", value: t.text };
    if (t.type === "op" && t.text === "(") {
      const inner = this.or();
      this.take(")");
      return inner;
    }
    if (t.type === "ident") {
      if (t.text === "true" || t.text === "false")
        return { kind: "literal", value: t.text === "true" };
      if (t.text === "null") return { kind: "literal", value: null };
      const parts: (string | number)[] = [t.text];
      for (;;) {
        if (this.peek(".")) {
          this.pos++;
          const name = this.tokens[this.pos++];
          if (name?.type !== "ident") throw new ExpressionError("expected a field name after '.'");
          parts.push(name.text);
        } else if (this.peek("[")) {
          this.pos++;
          const key = this.tokens[this.pos++];
          if (key?.type === "num") parts.push(Number(key.text));
          else if (key?.type === "str") parts.push(key.text);
          else throw new ExpressionError("expected an index or a quoted key in [ ]");
          this.take("]");
        } else break;
      }
      return { kind: "path", parts };
    }
    throw new ExpressionError(`unexpected "${t.text}"`);
  }
}

export type Expression = { source: string; evaluate: (vars: Record<string, unknown>) => boolean };

/** Parses once (throws ExpressionError with the reason); evaluating never throws. */
export function compileExpression(source: string): Expression {
  const root = new Parser(tokenize(source)).parse();
  return { source, evaluate: (vars) => truthy(evaluate(root, vars)) };
}

function truthy(value: unknown): boolean {
  return value === true;
}

function lookup(parts: (string | number)[], vars: Record<string, unknown>): unknown {
  let value: unknown = vars;
  for (const part of parts) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function evaluate(node: Node, vars: Record<string, unknown>): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "path":
      return lookup(node.parts, vars);
    case "not":
      return !truthy(evaluate(node.operand, vars));
    case "binary": {
      if (node.op === "&&")
        return truthy(evaluate(node.left, vars)) && truthy(evaluate(node.right, vars));
      if (node.op === "||")
        return truthy(evaluate(node.left, vars)) || truthy(evaluate(node.right, vars));
      const left = evaluate(node.left, vars);
      const right = evaluate(node.right, vars);
      // A missing field equals nothing, not even another missing field: an unrelated cancel
      // event without the matched key must not cancel every run that also lacks it.
      if (left === undefined || right === undefined) return node.op === "!=";
      if (node.op === "==") return equal(left, right);
      if (node.op === "!=") return !equal(left, right);
      if (typeof left === "number" && typeof right === "number")
        return compare(node.op, left, right);
      if (typeof left === "string" && typeof right === "string")
        return compare(node.op, left, right);
      return false;
    }
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return false;
}

function compare<T extends number | string>(op: string, a: T, b: T): boolean {
  if (op === "<") return a < b;
  if (op === ">") return a > b;
  if (op === "<=") return a <= b;
  return a >= b;
}

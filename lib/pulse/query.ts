// Boolean tracker queries: one keyword line may be an expression such as
//   climate AND (policy OR "carbon tax") NOT hoax
// Operators are the upper-case words AND, OR and NOT (lower-case "and" is an ordinary word, as in
// Brandwatch's syntax); "x NOT y" means x AND NOT y. Quotes make a phrase (and let AND/OR/NOT be
// searched for as words); parentheses group. Words written next to each other without an operator
// are a phrase, exactly as a plain keyword line always was ("global warming"), so every existing
// keyword line parses to the same meaning. "#tag" is the hashtag.
// Pure (no server-only): the form's schema and the listener share it.

export type QueryNode =
  | { kind: "phrase"; words: string[] }
  | { kind: "hashtag"; tag: string }
  | { kind: "not"; node: QueryNode }
  | { kind: "and"; nodes: QueryNode[] }
  | { kind: "or"; nodes: QueryNode[] };

/** `position` is 1-based, in characters of the line, for the form's message. */
export class QueryParseError extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`At position ${position}: expected ${expected}, found ${found}.`);
    this.name = "QueryParseError";
  }
}

type Token =
  | { type: "word"; text: string; at: number }
  | { type: "quoted"; text: string; at: number }
  | { type: "AND" | "OR" | "NOT" | "(" | ")"; at: number }
  | { type: "end"; at: number };

const OPERATORS = new Set(["AND", "OR", "NOT"]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ type: ch, at: i });
      i++;
      continue;
    }
    if (ch === '"' || ch === "“" || ch === "”") {
      // Typographic quotes come from phones and word processors; both kinds close both kinds.
      const close = source.slice(i + 1).search(/["“”]/u);
      if (close < 0) throw new QueryParseError(source.length + 1, 'a closing quote (")', "the end");
      const text = source.slice(i + 1, i + 1 + close).trim();
      if (!text) throw new QueryParseError(i + 1, "words between the quotes", "an empty phrase");
      tokens.push({ type: "quoted", text, at: i });
      i += close + 2;
      continue;
    }
    let j = i;
    while (j < source.length && !/[\s()"“”]/u.test(source[j]!)) j++;
    const text = source.slice(i, j);
    tokens.push(
      OPERATORS.has(text)
        ? { type: text as "AND" | "OR" | "NOT", at: i }
        : { type: "word", text, at: i },
    );
    i = j;
  }
  tokens.push({ type: "end", at: source.length });
  return tokens;
}

function describe(t: Token): string {
  if (t.type === "end") return "the end";
  if (t.type === "word") return `“${t.text}”`;
  if (t.type === "quoted") return `the phrase “${t.text}”`;
  return `“${t.type}”`;
}

const TERM = "a word, a quoted phrase, a #hashtag, NOT or “(”";

function atom(text: string): QueryNode {
  if (/^[#＃][\p{L}\p{M}\p{N}_]+$/u.test(text))
    return { kind: "hashtag", tag: text.replace(/^[#＃]+/u, "").toLowerCase() };
  return { kind: "phrase", words: text.split(/\s+/u).filter(Boolean) };
}

/** Parses one keyword line; throws QueryParseError with the position and what was expected. */
export function parseQuery(source: string): QueryNode {
  const tokens = tokenize(source);
  let k = 0;
  const peek = () => tokens[k]!;
  const next = () => tokens[k++]!;
  const fail = (expected: string): never => {
    const t = peek();
    throw new QueryParseError(t.at + 1, expected, describe(t));
  };

  function primary(depth: number): QueryNode {
    const t = peek();
    if (t.type === "(") {
      if (depth >= 20) fail("fewer nested parentheses (at most 20)");
      next();
      const inner = or(depth + 1);
      if (peek().type !== ")") fail("“)” or an operator (AND, OR, NOT)");
      next();
      return inner;
    }
    if (t.type === "quoted") {
      next();
      return { kind: "phrase", words: t.text.split(/\s+/u).filter(Boolean) };
    }
    if (t.type === "word") {
      // Adjacent words are one phrase, as a plain keyword line is.
      const words = [t.text];
      next();
      while (peek().type === "word") words.push((next() as { text: string }).text);
      if (words.length === 1) return atom(words[0]!);
      return { kind: "phrase", words };
    }
    return fail(TERM);
  }

  function unary(depth: number): QueryNode {
    if (peek().type === "NOT") {
      next();
      return { kind: "not", node: unary(depth) };
    }
    return primary(depth);
  }

  function and(depth: number): QueryNode {
    const nodes = [unary(depth)];
    for (;;) {
      const t = peek().type;
      if (t === "AND") {
        next();
        nodes.push(unary(depth));
      } else if (t === "NOT") {
        // "a NOT b" reads as "a AND NOT b".
        next();
        nodes.push({ kind: "not", node: unary(depth) });
      } else break;
    }
    return nodes.length === 1 ? nodes[0]! : { kind: "and", nodes };
  }

  function or(depth: number): QueryNode {
    const nodes = [and(depth)];
    while (peek().type === "OR") {
      next();
      nodes.push(and(depth));
    }
    return nodes.length === 1 ? nodes[0]! : { kind: "or", nodes };
  }

  if (peek().type === "end") fail(TERM);
  const root = or(0);
  if (peek().type !== "end") fail("an operator (AND, OR, NOT) or the end of the query");
  if (!needsTerm(root))
    throw new QueryParseError(
      1,
      "a word that is not negated in every alternative (e.g. climate NOT hoax)",
      "a query that would match nearly every post",
    );
  return root;
}

// Whether every post the query matches must contain some positive term: a query made only of
// NOTs would match the whole firehose.
function needsTerm(node: QueryNode): boolean {
  switch (node.kind) {
    case "phrase":
    case "hashtag":
      return true;
    case "not":
      return false;
    case "and":
      return node.nodes.some(needsTerm);
    case "or":
      return node.nodes.every(needsTerm);
  }
}

/** True when the line uses operators, quotes or parentheses (else it is a plain keyword). */
export function isPlainKeyword(node: QueryNode): node is { kind: "phrase"; words: string[] } {
  return node.kind === "phrase";
}

/** The error for the form, or null when the line parses. */
export function queryProblem(source: string): string | null {
  try {
    parseQuery(source);
    return null;
  } catch (error) {
    if (error instanceof QueryParseError) return error.message;
    throw error;
  }
}

/**
 * Splits the keywords field into lines: new lines and commas separate, except inside quotes and
 * parentheses (`"hello, world"` and `(a, b)` stay one query — the latter then fails to parse
 * with a clear message rather than silently becoming two).
 */
export function splitQueries(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"' || ch === "“" || ch === "”") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "\n" || (ch === "," && !quoted && depth === 0)) {
      out.push(current);
      current = "";
      // A new line ends an unclosed quote or group: each line is its own query.
      if (ch === "\n") {
        quoted = false;
        depth = 0;
      }
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** The query in source syntax again, normalised (for X rules and search endpoints). */
export function formatQuery(
  node: QueryNode,
  style: { and: string; or: string; not: (inner: string) => string },
): string {
  const wrap = (n: QueryNode) =>
    n.kind === "and" || n.kind === "or" ? `(${formatQuery(n, style)})` : formatQuery(n, style);
  switch (node.kind) {
    case "phrase":
      return node.words.length === 1 && /^[\p{L}\p{N}_]+$/u.test(node.words[0]!)
        ? node.words[0]!
        : `"${node.words.join(" ").replace(/["\\]/g, " ").trim()}"`;
    case "hashtag":
      return `#${node.tag}`;
    case "not":
      return style.not(wrap(node.node));
    case "and":
      return node.nodes.map(wrap).join(style.and);
    case "or":
      return node.nodes.map(wrap).join(style.or);
  }
}

/**
 * For search endpoints with no boolean syntax (Bluesky's and Mastodon's public search): one
 * plain search per alternative, made of the words every match of that alternative contains.
 * Results are matched again locally, so this only has to find a superset.
 */
export function searchTerms(node: QueryNode): string[] {
  switch (node.kind) {
    case "phrase":
      return [node.words.length > 1 ? `"${node.words.join(" ")}"` : node.words[0]!];
    case "hashtag":
      return [`#${node.tag}`];
    case "not":
      return [];
    case "or":
      return node.nodes.flatMap(searchTerms);
    case "and": {
      // The first positive part narrows the search enough; the rest is checked locally.
      for (const n of node.nodes) {
        const terms = searchTerms(n);
        if (terms.length) return terms;
      }
      return [];
    }
  }
}

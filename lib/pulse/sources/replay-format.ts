// Reading a replay file: NDJSON (one JSON object per line) or CSV with a header row (RFC 4180:
// quoted fields may hold commas, quotes and newlines). Each row needs text and a time; id, author
// and lang are optional. Column names are matched loosely, so exports from common tools load.

export type ReplayRow = {
  text: string;
  time: Date;
  id?: string;
  author?: string;
  lang?: string;
};

export const ALIASES: Record<keyof ReplayRow, string[]> = {
  text: ["text", "content", "body", "full_text", "message"],
  time: ["time", "created_at", "createdat", "timestamp", "date", "datetime", "posted_at"],
  id: ["id", "post_id", "tweet_id", "status_id", "uri", "id_str"],
  author: ["author", "user", "username", "screen_name", "handle", "acct", "author_id"],
  lang: ["lang", "language", "langs"],
};

export function parseTime(value: unknown): Date | null {
  if (value === null || value === undefined || value === "") return null;
  let n: number | null = null;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) n = Number(value);
  // Epoch seconds (up to year 5138) or milliseconds.
  const d = n !== null ? new Date(n < 1e11 ? n * 1000 : n) : new Date(String(value));
  return Number.isFinite(d.getTime()) ? d : null;
}

const str = (v: unknown): string | undefined => {
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return str(v[0]);
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
};

// A row from a record of named fields, or null when it lacks text or a readable time.
export function toRow(record: Record<string, unknown>): ReplayRow | null {
  const lower = new Map(Object.entries(record).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const pick = (field: keyof ReplayRow) => {
    for (const name of ALIASES[field]) if (lower.has(name)) return lower.get(name);
    return undefined;
  };
  const text = pick("text");
  const time = parseTime(pick("time"));
  if (typeof text !== "string" || !text.trim() || !time) return null;
  const id = str(pick("id"));
  const author = str(pick("author"));
  const lang = str(pick("lang"));
  return {
    text: text.slice(0, 10_000),
    time,
    ...(id ? { id: id.slice(0, 255) } : {}),
    ...(author ? { author: author.slice(0, 255) } : {}),
    ...(lang ? { lang: lang.slice(0, 35) } : {}),
  };
}

async function* decode(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  let first = true;
  for await (const chunk of chunks) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text) {
      text = text.replace(/^\uFEFF/, ""); // spreadsheet exports start with a BOM
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

// CSV records (arrays of fields), streaming, with each record's raw text for hashing.
async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<[string[], string]> {
  let field = "";
  let record: string[] = [];
  let raw = "";
  let quoted = false;
  let quoteSeen = false; // the previous char was a quote inside a quoted field
  let any = false;
  for await (const chunk of text) {
    for (const ch of chunk) {
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            field += '"';
            raw += ch;
            continue;
          }
          quoted = false; // the closing quote; fall through to handle ch unquoted
        } else if (ch === '"') {
          quoteSeen = true;
          raw += ch;
          continue;
        } else {
          field += ch;
          raw += ch;
          continue;
        }
      }
      if (ch === '"' && field === "") {
        quoted = true;
        any = true;
        raw += ch;
      } else if (ch === ",") {
        record.push(field);
        field = "";
        any = true;
        raw += ch;
      } else if (ch === "\n") {
        record.push(field.replace(/\r$/, ""));
        if (any || record.some((f) => f !== "")) yield [record, raw];
        record = [];
        field = "";
        raw = "";
        any = false;
      } else {
        field += ch;
        any = true;
        raw += ch;
      }
    }
  }
  if (quoteSeen) quoted = false;
  if (any || field !== "") {
    record.push(field.replace(/\r$/, ""));
    yield [record, raw];
  }
}

async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of text) {
    rest += chunk;
    let i: number;
    while ((i = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, i).replace(/\r$/, "");
      rest = rest.slice(i + 1);
    }
  }
  if (rest) yield rest.replace(/\r$/, "");
}

// Pushes back what was read to sniff the format.
async function* prepend(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  if (head) yield head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

export type ReadRow = { n: number; row: ReplayRow | null; raw: string };

// Every data row, numbered from 1 (a CSV header is not a row); `row` is null for rows that cannot
// be used (no text, no readable time, bad JSON), which are counted so numbering stays stable.
export async function* readReplayRows(
  chunks: AsyncIterable<Uint8Array | string>,
  onHeader?: (columns: string[]) => void,
): AsyncGenerator<ReadRow> {
  const text = decode(chunks)[Symbol.asyncIterator]();
  let head = "";
  for (let r = await text.next(); !r.done; r = await text.next()) {
    head += r.value;
    if (head.trim()) break;
  }
  const stream = prepend(head, text);
  let n = 0;
  if (head.trimStart().startsWith("{")) {
    for await (const line of lines(stream)) {
      if (!line.trim()) continue;
      n += 1;
      let row: ReplayRow | null = null;
      try {
        const value: unknown = JSON.parse(line);
        if (value && typeof value === "object" && !Array.isArray(value))
          row = toRow(value as Record<string, unknown>);
      } catch {
        row = null;
      }
      yield { n, row, raw: line };
    }
    return;
  }
  let header: string[] | null = null;
  for await (const [fields, raw] of csvRecords(stream)) {
    if (!header) {
      header = fields;
      onHeader?.(fields);
      continue;
    }
    n += 1;
    const record: Record<string, unknown> = {};
    header.forEach((name, i) => (record[name] = fields[i]));
    yield { n, row: toRow(record), raw };
  }
}

export type ReplayField = "text" | "time";

/** What the first rows of a replay file hold: enough to tell a user why it has no posts. */
export type ReplayInspection = {
  format: "csv" | "ndjson";
  /** The CSV header, or the keys of the first NDJSON objects. */
  columns: string[];
  /** Required fields no column name stands for. */
  missing: ReplayField[];
  rowsRead: number;
  /** Rows with text and a readable time. */
  usable: number;
  /** The first rows as read, each cut to 200 characters. */
  sample: string[];
};

const SAMPLE_ROWS = 3;

// Reads up to `maxRows` data rows; the caller aborts the rest of the stream.
export async function inspectReplay(
  chunks: AsyncIterable<Uint8Array | string>,
  maxRows = 20,
): Promise<ReplayInspection> {
  let header: string[] | null = null;
  const keys = new Set<string>();
  const sample: string[] = [];
  let rowsRead = 0;
  let usable = 0;
  for await (const { row, raw } of readReplayRows(chunks, (c) => (header = c))) {
    rowsRead++;
    if (row) usable++;
    if (sample.length < SAMPLE_ROWS) sample.push(raw.length > 200 ? `${raw.slice(0, 199)}…` : raw);
    if (!header) {
      try {
        const value: unknown = JSON.parse(raw);
        if (value && typeof value === "object" && !Array.isArray(value))
          for (const k of Object.keys(value)) keys.add(k);
      } catch {
        // counted as an unusable row already
      }
    }
    if (rowsRead >= maxRows) break;
  }
  const columns: string[] = header ?? [...keys];
  const names = new Set(columns.map((c) => c.trim().toLowerCase()));
  const missing = (["text", "time"] as const).filter(
    (f) => !ALIASES[f].some((alias) => names.has(alias)),
  );
  return { format: header ? "csv" : "ndjson", columns, missing, rowsRead, usable, sample };
}

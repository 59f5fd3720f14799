// A signed-in user of the bench, talking to the app over HTTP as the browser does.
import { signIn } from "../scale/stack";

export type Account = { id: string; email: string; password: string };

export class Session {
  constructor(
    readonly baseUrl: string,
    readonly account: Account,
    public cookie: string,
  ) {}

  static async open(baseUrl: string, account: Account): Promise<Session> {
    return new Session(baseUrl, account, await signIn(account.email, account.password, baseUrl));
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", this.cookie);
    return fetch(`${this.baseUrl}${path}`, { redirect: "manual", ...init, headers });
  }

  postJson(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    return this.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
  }
}

/** The message of a JSON error body ({ message }), else the start of the body. */
export async function errorText(res: Response): Promise<string> {
  let text: string;
  try {
    text = await within(10_000, res.text());
  } catch {
    return `${res.statusText} (its body never came)`;
  }
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || res.statusText;
}

/** Tallies messages: the same one a hundred times is one line of the report. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(message: string) {
    // The first line: a job's error goes on with its program's stderr.
    const [first = "", ...rest] = message.split("\n");
    const key = rest.length ? `${first} …` : first;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  lines(): string[] {
    return [...this.counts].map(([m, n]) => `${n}× ${m}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const isAbort = (error: unknown) =>
  error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");

export class TimedOut extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${Math.round(ms / 1000)} s`);
  }
}

/**
 * The promise, or TimedOut after `ms`: a stalled server must not stall the bench. (The request
 * itself is left to finish or fail on its own.)
 */
export function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

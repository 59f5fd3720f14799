import { describe, expect, it } from "vitest";
import { createReplaySource, REPLAY_DONE, replayPostId } from "./replay";
import { inspectReplay, readReplayRows } from "./replay-format";
import { until } from "./testing/wait";
import type { SourceEvent, SourceStatus } from "./types";

async function rows(text: string, chunkSize = 7) {
  async function* chunks() {
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.slice(i, i + chunkSize);
  }
  const out = [];
  for await (const r of readReplayRows(chunks())) out.push(r);
  return out;
}

describe("readReplayRows", () => {
  it("reads NDJSON with loose field names, epoch and ISO times, and numbers bad rows too", async () => {
    const out = await rows(
      [
        '{"text":"héllo 👋","time":"2026-11-26T10:00:00Z","id":"a1","author":"ann","lang":"en"}',
        "",
        '{"content":"second","created_at":1764151260}',
        "not json",
        '{"text":"no time"}',
        '{"text":"ms","timestamp":1764151320000,"language":"de"}',
      ].join("\r\n"),
    );
    expect(out.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(out[0]?.row).toEqual({
      text: "héllo 👋",
      time: new Date("2026-11-26T10:00:00Z"),
      id: "a1",
      author: "ann",
      lang: "en",
    });
    expect(out[1]?.row).toEqual({ text: "second", time: new Date(1764151260_000) });
    expect(out[2]?.row).toBeNull();
    expect(out[3]?.row).toBeNull();
    expect(out[4]?.row).toMatchObject({ lang: "de", time: new Date(1764151320000) });
  });

  it("reads CSV with a header, quoted commas, quotes and newlines, and a BOM", async () => {
    const out = await rows(
      '\uFEFFid,Text,Created_At,lang\n1,"Hello, ""world""",2026-11-26T10:00:00Z,en\r\n2,"two\nlines",2026-11-26T10:00:01Z,\n\n3,,2026-11-26T10:00:02Z,en\n',
    );
    expect(out.map((r) => r.row)).toEqual([
      { id: "1", text: 'Hello, "world"', time: new Date("2026-11-26T10:00:00Z"), lang: "en" },
      { id: "2", text: "two\nlines", time: new Date("2026-11-26T10:00:01Z") },
      null,
    ]);
    expect(out.map((r) => r.n)).toEqual([1, 2, 3]);
  });
});

async function* textChunks(text: string) {
  yield text;
}

describe("inspectReplay", () => {
  it("names the columns a sales CSV lacks and keeps its first rows", async () => {
    const sales = [
      "order_id,region,product,amount,sold_on",
      ...Array.from(
        { length: 40 },
        (_, i) => `${i},EU,Widget ${i},${i * 3}.50,2025-03-0${1 + (i % 9)}`,
      ),
    ].join("\n");
    const seen = await inspectReplay(textChunks(sales));
    expect(seen).toEqual({
      format: "csv",
      columns: ["order_id", "region", "product", "amount", "sold_on"],
      missing: ["text", "time"],
      rowsRead: 20,
      usable: 0,
      sample: [
        "0,EU,Widget 0,0.50,2025-03-01",
        "1,EU,Widget 1,3.50,2025-03-02",
        "2,EU,Widget 2,6.50,2025-03-03",
      ],
    });
  });

  it("reads NDJSON keys, knows the aliases, and counts rows whose time cannot be read", async () => {
    const ndjson = ['{"content":"hi","date":"soon"}', '{"content":"ho","date":"later"}'].join("\n");
    expect(await inspectReplay(textChunks(ndjson))).toMatchObject({
      format: "ndjson",
      columns: ["content", "date"],
      missing: [],
      rowsRead: 2,
      usable: 0,
    });
    const good = await inspectReplay(textChunks('{"text":"ok","time":1764151260}\n'));
    expect(good).toMatchObject({ missing: [], rowsRead: 1, usable: 1 });
    expect(await inspectReplay(textChunks(""))).toMatchObject({ rowsRead: 0, columns: [] });
  });
});

function file(lines: string[]) {
  return async () =>
    (async function* () {
      yield lines.join("\n") + "\n";
    })();
}

function play(
  lines: string[],
  speed: "1" | "10" | "max",
  cursor?: string,
  extra: { maxGapMs?: number } = {},
) {
  const events: (SourceEvent & { at: number })[] = [];
  const source = createReplaySource({
    fileId: "f1",
    speed,
    cursor,
    open: file(lines),
    onEvent: (e) => events.push({ ...e, at: Date.now() }),
    ...extra,
  });
  source.start();
  return { source, events };
}

const line = (i: number, seconds: number) =>
  JSON.stringify({ text: `post ${i}`, time: new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)) });

describe("replay source", () => {
  it("plays every row as fast as possible, then reports done", async () => {
    const lines = Array.from({ length: 500 }, (_, i) => line(i, i));
    const { events } = play(lines, "max");
    await until("the end", () => events.at(-1)?.cursor === REPLAY_DONE);
    const posts = events.flatMap((e) => (e.post ? [e.post] : []));
    expect(posts).toHaveLength(500);
    expect(posts[0]).toEqual({
      source: "replay",
      id: replayPostId("f1", 1, lines[0]!),
      text: "post 0",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    expect(new Set(posts.map((p) => p.id)).size).toBe(500);
    expect(events.at(-2)?.cursor).toBe("500");
  });

  it("keeps the file's pace divided by the speed, with long gaps cut short", async () => {
    // Rows 2 s apart at 10×: 200 ms apart; a 1-hour gap becomes maxGapMs / 10.
    const lines = [line(0, 0), line(1, 2), line(2, 4), line(3, 3604)];
    const { events } = play(lines, "10", undefined, { maxGapMs: 3_000 });
    await until("the end", () => events.at(-1)?.cursor === REPLAY_DONE);
    const at = events.filter((e) => e.post).map((e) => e.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(180);
    expect(gaps[0]).toBeLessThan(600);
    expect(gaps[1]).toBeGreaterThanOrEqual(180);
    expect(gaps[2]).toBeGreaterThanOrEqual(280);
    expect(gaps[2]).toBeLessThan(800);
  });

  it("resumes after its cursor row, with the same post ids as the first run", async () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(i, i));
    const first = play(lines, "max");
    await until("the first run", () => first.events.at(-1)?.cursor === REPLAY_DONE);
    const second = play(lines, "max", "6");
    await until("the second run", () => second.events.at(-1)?.cursor === REPLAY_DONE);
    const ids = (e: SourceEvent[]) => e.flatMap((x) => (x.post ? [x.post.id] : []));
    expect(ids(second.events)).toEqual(ids(first.events).slice(6));
  });

  it("reports what the file held at its end, and a sentence for the owner while it is missing", async () => {
    const statuses: SourceStatus[] = [];
    const events: SourceEvent[] = [];
    const lines = [line(0, 0), '{"amount":3}', line(2, 2)];
    let opens = 0;
    const source = createReplaySource({
      fileId: "f2",
      speed: "max",
      open: async () => (++opens >= 2 ? file(lines)() : null),
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
    });
    source.start();
    await until("the end", () => events.at(-1)?.cursor === REPLAY_DONE, 10_000);
    await source.stop();
    expect(statuses.find((s) => s.state === "waiting")).toMatchObject({
      reason: "error",
      error: expect.stringMatching(/no longer in your Drive/),
    });
    expect(statuses.at(-1)).toEqual({ state: "done", rows: 3, posts: 2 });
  });

  it("does nothing for a finished replay and retries while the file is missing", async () => {
    const done = play([line(0, 0)], "max", REPLAY_DONE);
    await new Promise((r) => setTimeout(r, 50));
    expect(done.events).toEqual([]);

    let opens = 0;
    const events: SourceEvent[] = [];
    const source = createReplaySource({
      fileId: "gone",
      speed: "max",
      open: async () => (++opens >= 2 ? file([line(0, 0)])() : null),
      onEvent: (e) => events.push(e),
      log: () => {},
    });
    source.start();
    await until("the retry", () => events.at(-1)?.cursor === REPLAY_DONE, 10_000);
    expect(opens).toBe(2);
    await source.stop();
  });
});

import { describe, expect, it } from "vitest";
import { replaySample } from "./replay-sample";
import { readReplayRows } from "./sources/replay-format";

async function rowsOf(text: string) {
  const out = [];
  async function* chunks() {
    yield text;
  }
  for await (const r of readReplayRows(chunks())) out.push(r.row);
  return out;
}

describe("replaySample", () => {
  it.each(["ndjson", "csv"] as const)("is a %s file the replay reads whole", async (format) => {
    const rows = await rowsOf(replaySample(format));
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r !== null)).toBe(true);
    expect(rows[3]).toMatchObject({
      id: "sample-4",
      author: "ada",
      text: 'Carbon tax vote today, "finally" say the campaigners #climate #policy',
      time: new Date("2026-11-26T10:02:30Z"),
    });
  });
});

// The sample replay files the tracker form offers: what a file must look like, in both formats,
// made to load as they are (replay-format.ts reads them; replay-sample.test.ts checks it).

const ROWS = [
  {
    id: "sample-1",
    time: "2026-11-26T10:00:00Z",
    author: "ada",
    lang: "en",
    text: "The new climate report is out. Worth reading! #climate",
  },
  {
    id: "sample-2",
    time: "2026-11-26T10:00:20Z",
    author: "grace",
    lang: "en",
    text: "Another heatwave, another broken record. This is bad news.",
  },
  {
    id: "sample-3",
    time: "2026-11-26T10:01:05Z",
    author: "linus",
    lang: "de",
    text: "Gute Nachrichten: mehr Solarstrom als je zuvor.",
  },
  {
    id: "sample-4",
    time: "2026-11-26T10:02:30Z",
    author: "ada",
    lang: "en",
    text: 'Carbon tax vote today, "finally" say the campaigners #climate #policy',
  },
];

export const REPLAY_SAMPLE_FORMATS = ["ndjson", "csv"] as const;
export type ReplaySampleFormat = (typeof REPLAY_SAMPLE_FORMATS)[number];

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function replaySample(format: ReplaySampleFormat): string {
  if (format === "ndjson") return ROWS.map((r) => JSON.stringify(r)).join("\n") + "\n";
  const columns = ["id", "time", "author", "lang", "text"] as const;
  return (
    [columns.join(","), ...ROWS.map((r) => columns.map((c) => csvField(r[c])).join(","))].join(
      "\n",
    ) + "\n"
  );
}

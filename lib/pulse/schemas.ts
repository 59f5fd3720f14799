import { domainNameProblem, PUBLIC_URL_MESSAGE } from "@/lib/net/host-name";
import { z } from "zod";
import { queryProblem, splitQueries } from "./query";
import { SCORERS, SOURCE_KINDS, type ScorerName, type SourceKind } from "./types";

// What the tracker form sends, what the dashboard's routes accept, and what the browser may see
// of a tracker (never its tokens).

export const REPLAY_SPEEDS = ["1", "10", "max"] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];
export const TRACKER_STATUSES = ["active", "paused"] as const;
export type TrackerStatus = (typeof TRACKER_STATUSES)[number];
export const LABELS = ["positive", "negative", "neutral", "unscored"] as const;

export const MAX_TRACKERS = 50;
export const MAX_LIST_ITEMS = 50;

export const trackerIdSchema = z
  .string()
  .min(1)
  .max(30)
  .regex(/^[a-z0-9]+$/i, "Not a tracker id");

/** "a, b\nc" → ["a", "b", "c"]: commas or new lines separate, blanks and repeats dropped. */
export function splitList(
  text: string,
  split: (text: string) => string[] = (t) => t.split(/[,\n]/),
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of split(text)) {
    const item = raw.trim();
    if (item && !seen.has(item.toLowerCase())) {
      seen.add(item.toLowerCase());
      out.push(item);
    }
  }
  return out;
}

const listField = (what: string, item: z.ZodType<string, string>) =>
  z
    .string()
    .max(5_000)
    .transform((t) => splitList(t))
    .pipe(z.array(item).max(MAX_LIST_ITEMS, `At most ${MAX_LIST_ITEMS} ${what}`));

const hashtag = z
  .string()
  .transform((t) => t.replace(/^[#＃]+/, "").toLowerCase())
  .pipe(
    z
      .string()
      .min(1, "A hashtag needs a name")
      .max(100, "Hashtags are at most 100 characters")
      .regex(/^[\p{L}\p{M}\p{N}_]+$/u, "Hashtags are letters, digits and _ only"),
  );

const language = z
  .string()
  .transform((l) => l.toLowerCase().replace("_", "-"))
  .pipe(z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, "Use language codes like en or pt-br"));

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined));

export const trackerFormSchema = z
  .object({
    name: z.string().trim().min(1, "Name the tracker").max(100, "At most 100 characters"),
    // Each line a keyword or a boolean query (query.ts); commas inside quotes or parentheses
    // belong to the query.
    keywords: z
      .string()
      .max(10_000)
      .transform((t) => splitList(t, splitQueries))
      .pipe(
        z
          .array(z.string().max(300, "Keywords and queries are at most 300 characters each"))
          .max(MAX_LIST_ITEMS, `At most ${MAX_LIST_ITEMS} keywords`)
          .superRefine((lines, ctx) => {
            for (const line of lines) {
              const problem = queryProblem(line);
              if (problem) ctx.addIssue({ code: "custom", message: `In “${line}”: ${problem}` });
            }
          }),
      ),
    hashtags: listField("hashtags", hashtag),
    languages: listField("languages", language),
    sources: z
      .array(z.enum(SOURCE_KINDS, "Unknown source"))
      .min(1, "Pick at least one source")
      .transform((s) => [...new Set(s)]),
    scorer: z.enum(SCORERS, "Pick a scorer"),
    mastodonInstance: optionalText(255).pipe(
      z
        .url({ protocol: /^https$/, error: "Use the instance's https:// address" })
        // The listener connects to it and sends the token: a public domain only (SSRF).
        .refine((u) => !domainNameProblem(new URL(u).hostname), PUBLIC_URL_MESSAGE)
        .transform((u) => new URL(u).origin)
        .optional(),
    ),
    mastodonToken: optionalText(2_000),
    xToken: optionalText(2_000),
    replayFileId: optionalText(30),
    replaySpeed: z.enum(REPLAY_SPEEDS, "Pick a speed").default("1"),
    retentionDays: z.coerce
      .number("Enter a number of days")
      .int()
      .min(1, "At least 1 day")
      .max(365, "At most 365 days")
      .default(7),
    retentionMaxPosts: z.coerce
      .number("Enter a number of posts")
      .int()
      .min(100, "At least 100 posts")
      .max(1_000_000, "At most 1,000,000 posts")
      .default(100_000),
  })
  // Runs even when a field failed, so the form shows every problem at once; the value may then
  // hold a failed field's raw input, hence the defensive reads.
  .superRefine(
    (v, ctx) => {
      const list = (x: unknown): unknown[] =>
        Array.isArray(x) ? x : typeof x === "string" ? splitList(x) : [];
      const sources = list(v.sources);
      const keywords = list(v.keywords);
      const hashtags = list(v.hashtags);
      if (keywords.length === 0 && hashtags.length === 0)
        ctx.addIssue({ code: "custom", path: ["keywords"], message: "Add a keyword or a hashtag" });
      if (sources.includes("mastodon") && !v.mastodonInstance)
        ctx.addIssue({
          code: "custom",
          path: ["mastodonInstance"],
          message: "Mastodon needs the instance address",
        });
      if (sources.includes("mastodon") && hashtags.length === 0)
        ctx.addIssue({
          code: "custom",
          path: ["hashtags"],
          message: "Mastodon streams hashtags: add at least one",
        });
      if (sources.includes("replay") && !v.replayFileId)
        ctx.addIssue({ code: "custom", path: ["replayFileId"], message: "Pick a file to replay" });
    },
    { when: () => true },
  );

export type TrackerFormInput = z.infer<typeof trackerFormSchema>;

/** FormData → the object trackerFormSchema parses (sources is a checkbox group). */
export function trackerFormObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string" && k !== "sources") out[k] = v;
  out.sources = formData.getAll("sources").filter((v) => typeof v === "string");
  for (const k of ["keywords", "hashtags", "languages"]) out[k] ??= "";
  return out;
}

export type TrackerDto = {
  id: string;
  name: string;
  keywords: string[];
  hashtags: string[];
  languages: string[];
  sources: SourceKind[];
  scorer: ScorerName;
  status: TrackerStatus;
  /** Why Pulse paused it itself (a post cap reached), or null. */
  pausedReason: string | null;
  mastodonInstance: string | null;
  hasMastodonToken: boolean;
  hasXToken: boolean;
  replayFileId: string | null;
  replayFileName: string | null;
  replaySpeed: ReplaySpeed;
  retentionDays: number;
  retentionMaxPosts: number;
  createdAt: string;
};

export const RANGES = {
  "15m": { label: "Live 15 min", minutes: 15, bucketMinutes: 1 },
  "1h": { label: "1 h", minutes: 60, bucketMinutes: 1 },
  "24h": { label: "24 h", minutes: 24 * 60, bucketMinutes: 15 },
  "7d": { label: "7 d", minutes: 7 * 24 * 60, bucketMinutes: 60 },
} as const;
export type RangeKey = keyof typeof RANGES;
export const rangeSchema = z.enum(Object.keys(RANGES) as [RangeKey, ...RangeKey[]]).default("1h");

export const postQuerySchema = z.object({
  label: z.enum(LABELS).optional(),
  hashtag: hashtag.optional(),
  term: z.string().trim().toLowerCase().min(1).max(100).optional(),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}$/, "A language is a two- or three-letter code.")
    .optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PostQuery = z.infer<typeof postQuerySchema>;

export const exportQuerySchema = z.object({
  kind: z.enum(["aggregates", "posts"]),
  range: rangeSchema,
});

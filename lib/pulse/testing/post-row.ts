// A stored post as the consumer would have written it, for tests that seed Pulse's tables.
export function testPostRow(p: {
  trackerId: string;
  sourcePostId: string;
  text: string;
  at: Date;
  source?: "replay" | "jetstream";
}) {
  return {
    trackerId: p.trackerId,
    source: p.source ?? "replay",
    sourcePostId: p.sourcePostId,
    text: p.text,
    postedAt: p.at,
    minute: p.at,
    receivedAt: p.at,
    label: "neutral",
    score: 0,
    hashtags: "",
    terms: "",
  } as const;
}

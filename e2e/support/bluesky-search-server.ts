import { startBlueskySearchStandIn } from "../../lib/pulse/sources/testing/bluesky-search-stand-in";
import { BACKFILL_POSTS } from "./backfill-posts";

// The e2e worker's Bluesky search (PULSE_BSKY_SEARCH_URL, playwright.config.ts): the loopback
// stand-in of app.bsky.feed.searchPosts, holding posts of the last hours for the backfill flow
// (e2e/pulse-backfill.spec.ts): BACKFILL_POSTS about "heatwave" an hour apart, the first one
// two days old (outside a 24 h backfill), and one about something else.

async function main() {
  const port = Number(process.env.BSKY_STAND_IN_PORT);
  const standIn = await startBlueskySearchStandIn(port);
  const now = Date.now();
  const hour = 3_600_000;
  for (let i = 0; i < BACKFILL_POSTS; i++)
    standIn.add({
      rkey: `heat${i}`,
      text:
        i % 2 === 0
          ? `Heatwave ${i}: lovely sunny day at the beach, wonderful`
          : `Heatwave ${i}: terrible, awful heat in the office`,
      createdAt: new Date(now - (i + 1) * hour),
    });
  standIn.add({
    rkey: "old",
    text: "Heatwave of two days ago",
    createdAt: new Date(now - 48 * hour),
  });
  standIn.add({ rkey: "other", text: "Snow in the mountains", createdAt: new Date(now - hour) });
  process.stdout.write(`bluesky search stand-in listening on ${standIn.url}\n`);
}

void main();

import type { Inngest } from "inngest";
import { pulsePostsReceived } from "@/lib/events/events";
import { MAX_STAGED_POSTS } from "../event-schemas";
import { stageBatches } from "../inbox";
import type { PostBatch } from "./batcher";

// Batches as `stratus/pulse.posts` events. Each event's posts are staged in PulseInbox first
// (../inbox.ts) and the event carries the row's id: the posts then cross the event API, the
// executor and the SDK as a 100-byte reference instead of ~500 bytes each, parsed and signed on
// every call. Events are cut at ~512 kB or 2,000 posts (what one consumer transaction stores),
// the staging statements at ~1.5 MB (well under MariaDB's max_allowed_packet).
const MAX_EVENT_BYTES = 512 * 1024;
const MAX_STAGE_BYTES = 1536 * 1024;
// Events per request to the event API (each a few hundred bytes).
const MAX_EVENTS_PER_REQUEST = 500;

type Chunk = { trackerId: string; posts: PostBatch["posts"]; bytes: number };

export function toChunks(batches: PostBatch[]): Chunk[] {
  const out: Chunk[] = [];
  for (const { trackerId, posts } of batches) {
    let chunk: PostBatch["posts"] = [];
    let bytes = 0;
    const push = () => {
      if (chunk.length) out.push({ trackerId, posts: chunk, bytes });
      chunk = [];
      bytes = 0;
    };
    for (const post of posts) {
      const size = Buffer.byteLength(JSON.stringify(post)) + 1;
      if (chunk.length && (bytes + size > MAX_EVENT_BYTES || chunk.length >= MAX_STAGED_POSTS))
        push();
      chunk.push(post);
      bytes += size;
    }
    push();
  }
  return out;
}

/**
 * Stages the batches, then sends their events. Resolves once both are done, so the caller (the
 * batcher) may store its cursor; a retry after a failure stages the same rows again harmlessly.
 */
export function eventSender(client: Inngest) {
  return async (batches: PostBatch[]): Promise<void> => {
    const events: ReturnType<typeof pulsePostsReceived.create>[] = [];
    let group: Chunk[] = [];
    let bytes = 0;
    const stage = async () => {
      for (const s of await stageBatches(group)) events.push(pulsePostsReceived.create(s));
      group = [];
      bytes = 0;
    };
    for (const chunk of toChunks(batches)) {
      if (group.length && bytes + chunk.bytes > MAX_STAGE_BYTES) await stage();
      group.push(chunk);
      bytes += chunk.bytes;
    }
    if (group.length) await stage();
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST)
      await client.send(events.slice(i, i + MAX_EVENTS_PER_REQUEST));
  };
}

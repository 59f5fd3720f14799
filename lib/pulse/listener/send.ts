import type { Inngest } from "inngest";
import { pulsePostsReceived } from "@/lib/events/events";
import { MAX_POSTS_PER_EVENT } from "../event-schemas";
import type { PostBatch } from "./batcher";

// Batches as `stratus/pulse.posts` events. The event API takes at most 3 MB per request, so
// events are cut at ~512 kB of posts and requests at ~1.5 MB.
const MAX_EVENT_BYTES = 512 * 1024;
const MAX_REQUEST_BYTES = 1536 * 1024;

type Event = ReturnType<typeof pulsePostsReceived.create>;

export function toEvents(batches: PostBatch[]): { event: Event; bytes: number }[] {
  const out: { event: Event; bytes: number }[] = [];
  for (const { trackerId, posts } of batches) {
    let chunk: PostBatch["posts"] = [];
    let bytes = 0;
    const push = () => {
      if (chunk.length)
        out.push({ event: pulsePostsReceived.create({ trackerId, posts: chunk }), bytes });
      chunk = [];
      bytes = 0;
    };
    for (const post of posts) {
      const size = Buffer.byteLength(JSON.stringify(post)) + 1;
      if (chunk.length && (bytes + size > MAX_EVENT_BYTES || chunk.length >= MAX_POSTS_PER_EVENT))
        push();
      chunk.push(post);
      bytes += size;
    }
    push();
  }
  return out;
}

export function eventSender(client: Inngest) {
  return async (batches: PostBatch[]): Promise<void> => {
    let request: Event[] = [];
    let bytes = 0;
    for (const { event, bytes: size } of toEvents(batches)) {
      if (request.length && bytes + size > MAX_REQUEST_BYTES) {
        await client.send(request);
        request = [];
        bytes = 0;
      }
      request.push(event);
      bytes += size;
    }
    if (request.length) await client.send(request);
  };
}

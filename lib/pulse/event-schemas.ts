import { z } from "zod";
import { SOURCE_KINDS } from "./types";

// The event the listener sends and the consumer (inngest/functions/pulse-consume.ts) reads: one
// tracker's matched posts, unscored. Limits keep one event well under the event API's body cap:
// 500 posts of at most ~10 kB of text each.

export const MAX_POSTS_PER_EVENT = 500;
// A staged batch (lib/pulse/inbox.ts) is a reference whatever its size; its posts are cut at
// 512 kB too (lib/pulse/listener/send.ts). Larger batches spread each run's fixed cost (the
// executor's statements, the SDK's calls, the consumer's transaction) over more posts.
export const MAX_STAGED_POSTS = 2_000;

export const IncomingPostSchema = z.object({
  source: z.enum(SOURCE_KINDS),
  id: z.string().min(1).max(255),
  text: z.string().max(10_000),
  createdAt: z.iso.datetime({ offset: true }),
  author: z.string().max(255).optional(),
  lang: z.string().max(35).optional(),
  langs: z.array(z.string().max(35)).max(8).optional(),
  url: z.string().max(2048).optional(),
});

// Either the posts themselves, or (what the listener sends) the id of the PulseInbox row it
// staged them in (lib/pulse/inbox.ts) and how many there are.
export const PulsePostsEvent = z.union([
  z.object({
    trackerId: z.string().min(1).max(30),
    posts: z.array(IncomingPostSchema).min(1).max(MAX_POSTS_PER_EVENT),
  }),
  z.object({
    trackerId: z.string().min(1).max(30),
    inbox: z.string().min(1).max(64),
    count: z.number().int().min(1).max(MAX_STAGED_POSTS),
  }),
]);
export type PulsePostsEvent = z.infer<typeof PulsePostsEvent>;

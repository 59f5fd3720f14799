import type { IncomingPost, SourceKind } from "../types";

// One interface for every source. A source connects, turns the service's messages into
// IncomingPosts, reconnects with backoff and resumes from its cursor; it neither matches nor
// batches (the listener does, lib/pulse/listener).

// What a source reports: a post and/or how far it got. `cursor` is what the source needs to resume
// right after this point (Jetstream: time_us; Mastodon: status id; X: tweet id; replay: row).
// A cursor without a post is progress over messages that carry no post (other collections,
// deletes, skipped rows).
export type SourceEvent = { post?: IncomingPost; cursor?: string };

export type SourceLog = (line: string) => void;

export type SourceStatus =
  | { state: "connecting"; attempt: number }
  | { state: "open" }
  // `error`: a sentence for the tracker's owner when the wait is for an error (replay).
  | { state: "waiting"; ms: number; reason: string; error?: string }
  // `rows`/`posts`: what a replay read to the end held (absent when it had ended before).
  | { state: "done"; rows?: number; posts?: number }
  | { state: "stopped" };

export type SourceOptions = {
  // The cursor to resume after (from PulseCursor), if any.
  cursor?: string;
  onEvent: (event: SourceEvent) => void;
  // Backpressure: a source that can wait (replay) awaits this before producing more.
  ready?: () => Promise<void>;
  onStatus?: (status: SourceStatus) => void;
  log?: SourceLog;
};

export interface Source {
  readonly kind: SourceKind;
  start(): void;
  stop(): Promise<void>;
}

import "server-only";
import type { Inngest } from "inngest";
import { db } from "@/lib/db/client";
import type { ListenerConfig } from "../config";
import { compileMatcher } from "../match";
import { decryptSecret } from "../secrets";
import { createJetstreamSource } from "../sources/jetstream";
import { createMastodonSource } from "../sources/mastodon";
import { createReplaySource, type ReplaySpeed } from "../sources/replay";
import { createXSource } from "../sources/x";
import type { Source, SourceEvent, SourceStatus } from "../sources/types";
import { SOURCE_KINDS, type IncomingPost, type SourceKind, type TrackerQuery } from "../types";
import { Batcher } from "./batcher";
import { deleteCursor, loadCursor, saveCursor, saveCursorIf } from "./cursors";
import { openReplayFile } from "./replay-file";
import { saveSourceState } from "./source-state";
import { eventSender } from "./send";

// The listener: polls the active trackers, keeps one connection per active source — a single
// Jetstream connection shared by every tracker that uses it (matched locally per tracker), one
// Mastodon, X or replay source per tracker — and hands matched posts to a Batcher per connection,
// which sends them as `stratus/pulse.posts` events and then stores the cursor.

// The listener's settings live with Pulse's others (lib/pulse/config.ts).
export { listenerConfig, type ListenerConfig } from "../config";

type Tracker = {
  id: string;
  ownerId: string;
  query: TrackerQuery;
  sources: SourceKind[];
  mastodonInstance: string | null;
  mastodonTokenEnc: string | null;
  xTokenEnc: string | null;
  replayFileId: string | null;
  replaySpeed: ReplaySpeed;
  updatedAt: Date;
};

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export async function activeTrackers(): Promise<Tracker[]> {
  const rows = await db.pulseTracker.findMany({
    where: { status: "active" },
    select: {
      id: true,
      ownerId: true,
      keywords: true,
      hashtags: true,
      languages: true,
      sources: true,
      mastodonInstance: true,
      mastodonTokenEnc: true,
      xTokenEnc: true,
      replayFileId: true,
      replaySpeed: true,
      updatedAt: true,
    },
  });
  return rows.map((r) => ({
    id: r.id,
    ownerId: r.ownerId,
    query: {
      keywords: strings(r.keywords),
      hashtags: strings(r.hashtags),
      languages: strings(r.languages),
    },
    sources: strings(r.sources).filter((s): s is SourceKind =>
      (SOURCE_KINDS as readonly string[]).includes(s),
    ),
    mastodonInstance: r.mastodonInstance,
    mastodonTokenEnc: r.mastodonTokenEnc,
    xTokenEnc: r.xTokenEnc,
    replayFileId: r.replayFileId,
    replaySpeed: r.replaySpeed === "1" || r.replaySpeed === "10" ? r.replaySpeed : "max",
    updatedAt: r.updatedAt,
  }));
}

type Running = {
  key: string;
  signature: string;
  source: Source;
  batcher: Batcher;
};

export type ListenerStats = { key: string; sentPosts: number; sentEvents: number; pending: number };

export class Listener {
  private jet: (Running & { matchers: Map<string, (p: IncomingPost) => boolean> }) | undefined;
  private jetMatcherSigs = new Map<string, string>();
  private perTracker = new Map<string, Running>();
  // Sources that cannot start (no token, bad secret): logged once per tracker version.
  private refused = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopping = false;
  private readonly send: ReturnType<typeof eventSender>;

  constructor(
    client: Inngest,
    private readonly config: ListenerConfig,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.send = eventSender(client);
  }

  start(): void {
    const tick = () => {
      if (this.stopping) return;
      this.polling = this.poll().finally(() => {
        if (!this.stopping) this.timer = setTimeout(tick, this.config.pollMs);
      });
    };
    tick();
  }

  stats(): ListenerStats[] {
    return [...(this.jet ? [this.jet] : []), ...this.perTracker.values()].map((r) => ({
      key: r.key,
      sentPosts: r.batcher.sentPosts,
      sentEvents: r.batcher.sentEvents,
      pending: r.batcher.pendingPosts,
    }));
  }

  private async poll() {
    let trackers: Tracker[];
    try {
      trackers = await activeTrackers();
    } catch (error) {
      return this.log(`cannot read trackers: ${(error as Error).message}`);
    }
    try {
      await this.reconcileJetstream(trackers.filter((t) => t.sources.includes("jetstream")));
      await this.reconcilePerTracker(trackers);
    } catch (error) {
      this.log(`reconcile failed: ${(error as Error).stack ?? error}`);
    }
  }

  private batcher(key: string, save: (key: string, cursor: string) => Promise<void>) {
    return new Batcher({
      key,
      send: this.send,
      saveCursor: save,
      maxPosts: this.config.batchSize,
      maxWaitMs: this.config.batchMs,
      log: this.log,
    });
  }

  // `tracker`: a tracker's own source (replay) whose errors and end the dashboard shows.
  private status(key: string, tracker?: { id: string; source: SourceKind }) {
    // One write after another: a clear on open never lands after the end of a short file.
    let saving = Promise.resolve();
    return (s: SourceStatus) => {
      if (s.state === "open") this.log(`${key}: connected`);
      else if (s.state === "waiting") this.log(`${key}: ${s.reason}; next try in ${s.ms} ms`);
      else if (s.state === "done") this.log(`${key}: finished`);
      if (tracker)
        saving = saving
          .then(() => saveSourceState(tracker.id, tracker.source, s))
          .catch((error: unknown) =>
            this.log(`${key}: cannot store the source state: ${(error as Error).message}`),
          );
    };
  }

  private async reconcileJetstream(trackers: Tracker[]) {
    if (!trackers.length) {
      if (!this.jet) return;
      const jet = this.jet;
      this.jet = undefined;
      this.jetMatcherSigs.clear();
      await stopRunning(jet);
      // No tracker listens: there is nothing to resume, and an old cursor would replay hours of
      // the firehose into the next tracker.
      await deleteCursor("jetstream");
      this.log("jetstream: no tracker uses it; disconnected");
      return;
    }
    if (!this.jet) {
      const cursor = await loadCursor("jetstream");
      const matchers = new Map<string, (p: IncomingPost) => boolean>();
      const batcher = this.batcher("jetstream", saveCursor);
      const onEvent = (e: SourceEvent) => {
        if (e.post) for (const [id, match] of matchers) if (match(e.post)) batcher.add(id, e.post);
        if (e.cursor) batcher.advance(e.cursor);
      };
      const source = createJetstreamSource({
        url: this.config.jetstreamUrl,
        cursor,
        onEvent,
        onStatus: this.status("jetstream"),
        log: this.log,
      });
      this.jet = { key: "jetstream", signature: "", source, batcher, matchers };
      source.start();
      this.log(`jetstream: ${cursor ? `resuming after time_us ${cursor}` : "starting live"}`);
    }
    const { matchers } = this.jet;
    const ids = new Set(trackers.map((t) => t.id));
    for (const id of [...matchers.keys()])
      if (!ids.has(id)) {
        matchers.delete(id);
        this.jetMatcherSigs.delete(id);
      }
    for (const t of trackers) {
      const sig = JSON.stringify(t.query);
      if (this.jetMatcherSigs.get(t.id) === sig) continue;
      matchers.set(t.id, compileMatcher(t.query));
      this.jetMatcherSigs.set(t.id, sig);
    }
  }

  private async reconcilePerTracker(trackers: Tracker[]) {
    const wanted = new Map<string, { tracker: Tracker; kind: SourceKind; signature: string }>();
    for (const t of trackers)
      for (const kind of t.sources)
        if (kind !== "jetstream")
          wanted.set(`${kind}:${t.id}`, {
            tracker: t,
            kind,
            signature: `${t.updatedAt.getTime()}`,
          });

    const stops: Promise<void>[] = [];
    for (const [key, running] of this.perTracker) {
      const want = wanted.get(key);
      if (want && want.signature === running.signature) continue;
      this.perTracker.delete(key);
      this.log(`${key}: ${want ? "tracker changed; restarting" : "stopped"}`);
      stops.push(stopRunning(running));
    }
    await Promise.all(stops);

    for (const [key, want] of wanted) {
      if (this.perTracker.has(key) || this.stopping) continue;
      if (this.refused.get(key) === want.signature) continue;
      const running = await this.startPerTracker(key, want.kind, want.tracker, want.signature);
      if (running) {
        this.perTracker.set(key, running);
        this.refused.delete(key);
      } else this.refused.set(key, want.signature);
    }
    for (const key of this.refused.keys()) if (!wanted.has(key)) this.refused.delete(key);
  }

  private async startPerTracker(
    key: string,
    kind: SourceKind,
    t: Tracker,
    signature: string,
  ): Promise<Running | null> {
    const cursor = await loadCursor(key);
    let expected = cursor;
    const running: Running = {
      key,
      signature,
      source: undefined as unknown as Source,
      batcher: undefined as unknown as Batcher,
    };
    // Compare-and-set: when the app reset this cursor meanwhile, leave the reset in place and
    // restart the source on the next poll so it starts where the app said.
    const save = async (k: string, value: string) => {
      if (await saveCursorIf(k, value, expected)) expected = value;
      else {
        this.log(`${k}: the cursor was reset elsewhere; restarting`);
        running.signature = "reset";
      }
    };
    const batcher = this.batcher(key, save);
    const matcher = compileMatcher(t.query);
    const onEvent = (e: SourceEvent) => {
      if (e.post && matcher(e.post)) batcher.add(t.id, e.post);
      if (e.cursor) batcher.advance(e.cursor);
    };
    const onStatus = this.status(key, kind === "replay" ? { id: t.id, source: kind } : undefined);
    const common = { cursor, onEvent, onStatus, log: this.log };
    let source: Source;
    try {
      if (kind === "mastodon") {
        if (!t.mastodonInstance || !t.mastodonTokenEnc)
          throw new Error("needs an instance URL and an access token");
        source = createMastodonSource({
          ...common,
          instance: t.mastodonInstance,
          token: decryptSecret(t.mastodonTokenEnc),
          query: t.query,
        });
      } else if (kind === "x") {
        if (!t.xTokenEnc) throw new Error("needs a bearer token");
        source = createXSource({
          ...common,
          apiUrl: this.config.xApiUrl,
          token: decryptSecret(t.xTokenEnc),
          trackerId: t.id,
          query: t.query,
          backfillMinutes: this.config.xBackfillMinutes,
        });
      } else {
        if (!t.replayFileId) throw new Error("needs a replay file");
        const fileId = t.replayFileId;
        source = createReplaySource({
          ...common,
          fileId,
          speed: t.replaySpeed,
          open: (signal) => openReplayFile(t.ownerId, fileId, signal),
          ready: () => batcher.ready(),
        });
      }
    } catch (error) {
      this.log(`${key}: cannot start: ${(error as Error).message}`);
      return null;
    }
    running.source = source;
    running.batcher = batcher;
    source.start();
    this.log(`${key}: started${cursor ? ` from cursor ${cursor}` : ""}`);
    return running;
  }

  // Stops every source, sends what is pending and stores the cursors.
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.polling;
    const all = [...(this.jet ? [this.jet] : []), ...this.perTracker.values()];
    this.jet = undefined;
    this.perTracker.clear();
    await Promise.all(all.map(stopRunning));
  }
}

async function stopRunning(r: Running): Promise<void> {
  await r.source.stop();
  await r.batcher.close();
}

"use client";

import { useEffect, useReducer } from "react";
import type { RangeKey } from "@/lib/pulse/schemas";
import type {
  LanguageRow,
  LiveDelta,
  MinuteRow,
  PostView,
  Snapshot,
  TermRow,
} from "@/lib/pulse/view-types";

// One tracker's dashboard data, kept live by the server-sent events of
// /api/pulse/[trackerId]/stream. Deltas carry absolute per-minute rows and posts with ids, so a
// delta seen twice (after a reconnect) changes nothing.

export const MAX_LIVE_POSTS = 300;

export type LiveStatus = "loading" | "live" | "reconnecting" | "gone" | "error";

export type LiveState = {
  minutes: Record<number, MinuteRow>;
  hashtags: TermRow[];
  terms: TermRow[];
  languages: LanguageRow[];
  posts: PostView[];
  at: number;
  status: LiveStatus;
};

type Action =
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "delta"; delta: LiveDelta }
  | { type: "status"; status: LiveStatus };

/** Newest first; ids are decimal strings of growing integers. */
export function newerFirst(a: PostView, b: PostView): number {
  return b.id.length - a.id.length || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0);
}

export function mergePosts(current: PostView[], incoming: PostView[], max = MAX_LIVE_POSTS) {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((p) => [p.id, p]));
  for (const p of incoming) byId.set(p.id, p);
  return [...byId.values()].sort(newerFirst).slice(0, max);
}

function fromSnapshot(s: Snapshot, status: LiveStatus): LiveState {
  return {
    minutes: Object.fromEntries(s.minutes.map((m) => [m.t, m])),
    hashtags: s.hashtags,
    terms: s.terms,
    languages: s.languages ?? [],
    posts: [...s.posts].sort(newerFirst),
    at: s.at,
    status,
  };
}

function reducer(state: LiveState, action: Action): LiveState {
  switch (action.type) {
    case "snapshot":
      return fromSnapshot(action.snapshot, "live");
    case "status":
      return state.status === action.status ? state : { ...state, status: action.status };
    case "delta": {
      const d = action.delta;
      const minutes = d.minutes.length ? { ...state.minutes } : state.minutes;
      for (const m of d.minutes) minutes[m.t] = m;
      return {
        minutes,
        hashtags: d.hashtags ?? state.hashtags,
        terms: d.terms ?? state.terms,
        languages: d.languages ?? state.languages,
        posts: mergePosts(state.posts, d.posts),
        at: Math.max(state.at, d.cursor),
        status: "live",
      };
    }
  }
}

const EMPTY: Snapshot = { at: 0, minutes: [], hashtags: [], terms: [], languages: [], posts: [] };

export function useLiveTracker(
  trackerId: string | null,
  range: RangeKey,
  initial: Snapshot | null,
): LiveState {
  const [state, dispatch] = useReducer(reducer, null, () =>
    fromSnapshot(initial ?? EMPTY, initial ? "live" : "loading"),
  );

  useEffect(() => {
    if (!trackerId) return;
    let source: EventSource | null = null;
    let stopped = false;
    const connect = (since: number) => {
      source = new EventSource(
        `/api/pulse/${encodeURIComponent(trackerId)}/stream?range=${range}&since=${since}`,
      );
      source.addEventListener("delta", (e) => {
        dispatch({ type: "delta", delta: JSON.parse((e as MessageEvent<string>).data) });
      });
      source.addEventListener("gone", () => {
        source?.close();
        dispatch({ type: "status", status: "gone" });
      });
      source.addEventListener("open", () => dispatch({ type: "status", status: "live" }));
      // The browser reconnects by itself (with Last-Event-ID); say so meanwhile.
      source.addEventListener("error", () => {
        if (!stopped) dispatch({ type: "status", status: "reconnecting" });
      });
    };
    if (initial) {
      connect(initial.at);
    } else {
      // A second tracker (compare): its first data comes from the snapshot route.
      dispatch({ type: "status", status: "loading" });
      fetch(`/api/pulse/${encodeURIComponent(trackerId)}/snapshot?range=${range}`)
        .then(async (res) => {
          if (!res.ok) throw new Error(String(res.status));
          const snap = (await res.json()) as Snapshot;
          if (stopped) return;
          dispatch({ type: "snapshot", snapshot: snap });
          connect(snap.at);
        })
        .catch(() => {
          if (!stopped) dispatch({ type: "status", status: "error" });
        });
    }
    return () => {
      stopped = true;
      source?.close();
    };
  }, [trackerId, range, initial]);

  return state;
}

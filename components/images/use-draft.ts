"use client";

import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { Chain, OutputOptions } from "@/lib/images/chain";

// The editor's chain and output options, kept as a draft in this browser's localStorage, one per
// image: a reload, a visit to another page or a closed tab finds the work where it was left.
// localStorage rather than the server: a draft changes with every slider move, belongs to the
// device it is being made on, and needs no quota or cleanup on the server; an image's id is
// unique, so drafts of different users' images never meet. A draft is "unsaved" from its first
// change until it is applied (or saved as a preset); only then does leaving the page ask.

const PREFIX = "stratus:image-draft:";
// Drafts of images the user never opens again would stay forever: older ones are dropped.
const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

const StoredDraft = z.object({
  v: z.literal(1),
  chain: Chain,
  output: OutputOptions,
  unsaved: z.boolean(),
  savedAt: z.number(),
});
type StoredDraft = z.infer<typeof StoredDraft>;

export type DraftValue = { chain: Chain; output: OutputOptions };

const keyFor = (fileId: string) => `${PREFIX}${fileId}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (private mode in some browsers): no drafts, no harm
  }
}

export function readDraft(fileId: string, now = Date.now()): StoredDraft | null {
  const store = storage();
  const raw = store?.getItem(keyFor(fileId));
  if (!raw) return null;
  try {
    const parsed = StoredDraft.safeParse(JSON.parse(raw));
    if (parsed.success && now - parsed.data.savedAt < MAX_AGE_MS) return parsed.data;
  } catch {
    // not JSON: dropped below
  }
  store?.removeItem(keyFor(fileId));
  return null;
}

function writeDraft(fileId: string, draft: StoredDraft | null) {
  const store = storage();
  if (!store) return;
  try {
    if (draft) store.setItem(keyFor(fileId), JSON.stringify(draft));
    else store.removeItem(keyFor(fileId));
  } catch {
    // quota exceeded: the draft is a convenience, the editor carries on
  }
}

/** Drops drafts older than MAX_AGE_MS (called once per editor visit). */
function pruneDrafts(now = Date.now()) {
  const store = storage();
  if (!store) return;
  for (let i = store.length - 1; i >= 0; i--) {
    const key = store.key(i);
    if (key?.startsWith(PREFIX)) readDraft(key.slice(PREFIX.length), now);
  }
}

const isEmpty = (v: DraftValue, empty: DraftValue) =>
  v.chain.length === 0 && JSON.stringify(v.output) === JSON.stringify(empty.output);

/**
 * Restores the image's draft once after mounting (through `restore`, so it becomes the undo
 * history's start) and then keeps it up to date. `markSaved` is for a successful apply.
 */
export function useDraft(
  fileId: string,
  value: DraftValue,
  empty: DraftValue,
  restore: (value: DraftValue) => void,
) {
  const [restoredAt, setRestoredAt] = useState<number | null>(null);
  const [unsaved, setUnsaved] = useState(false);
  const loaded = useRef(false);
  // What was last stored (or found), and the restored value the editor has not rendered yet.
  const last = useRef<string | null>(null);
  const waiting = useRef<string | null>(null);
  const serialized = JSON.stringify(value);

  // After mounting only: the server render has no localStorage, and hydration must match it.
  useEffect(() => {
    pruneDrafts();
    const draft = readDraft(fileId);
    if (draft) {
      const restored = { chain: draft.chain, output: draft.output };
      waiting.current = JSON.stringify(restored);
      restore(restored);
      // Syncing from an external store (localStorage) that the server render cannot read.
      /* eslint-disable react-hooks/set-state-in-effect */
      setUnsaved(draft.unsaved);
      if (!isEmpty(restored, empty)) setRestoredAt(draft.savedAt);
      /* eslint-enable react-hooks/set-state-in-effect */
    } else {
      last.current = serialized;
    }
    loaded.current = true;
    // Once per image: the editor is keyed by the image.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fileId]);

  useEffect(() => {
    if (!loaded.current) return;
    if (waiting.current !== null) {
      // The first renders after a restore still show the value from before it.
      if (serialized !== waiting.current) return;
      waiting.current = null;
      last.current = serialized;
      return;
    }
    if (serialized === last.current) return;
    last.current = serialized;
    const blank = isEmpty(value, empty);
    setUnsaved(!blank);
    writeDraft(fileId, blank ? null : { v: 1, ...value, unsaved: true, savedAt: Date.now() });
    // `serialized` stands for value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serialized, fileId]);

  // Leaving with an unapplied chain asks first: closing or reloading the tab (the browser's own
  // dialog) and following a link inside Stratus.
  useEffect(() => {
    if (!unsaved) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
        return;
      const link = (e.target as Element | null)?.closest?.("a[href]");
      if (!(link instanceof HTMLAnchorElement) || link.target === "_blank" || link.download) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname)
        return;
      if (!window.confirm(LEAVE_MESSAGE)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [unsaved]);

  return {
    /** When the draft shown was restored from storage (for the "draft restored" note). */
    restoredAt,
    unsaved,
    dismissRestored: () => setRestoredAt(null),
    /** The chain was applied: it stays as the draft, but leaving no longer asks. */
    markSaved: () => {
      setUnsaved(false);
      if (!isEmpty(value, empty)) {
        writeDraft(fileId, { v: 1, ...value, unsaved: false, savedAt: Date.now() });
      }
    },
  };
}

export const LEAVE_MESSAGE =
  "These filters have not been applied yet. They stay saved as a draft in this browser. Leave this page?";

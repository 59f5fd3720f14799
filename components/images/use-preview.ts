"use client";

import { useEffect, useRef, useState } from "react";
import { Chain } from "@/lib/images/chain";
import { PREVIEW_HEADERS } from "@/lib/images/preview-schemas";

// The live preview: every change of the chain asks POST /api/images/preview for a render on a
// downscaled copy. Requests wait DEBOUNCE_MS for the user to stop typing or dragging, and a newer
// request aborts the one in flight. Recent renders stay in memory so undo shows them at once.

const DEBOUNCE_MS = 150;
const KEEP = 16;

export type PreviewState = {
  /** Object URL of the latest render (kept while a newer one loads). */
  url: string | null;
  loading: boolean;
  error: string | null;
  /** The chain the shown render belongs to (a JSON key), for tests and the compare view. */
  key: string | null;
  /** The full-resolution size of what the render shows (preview size ÷ scale), when known. */
  size: { width: number; height: number } | null;
};

type Size = NonNullable<PreviewState["size"]>;

function fullSize(res: Response): Size | null {
  const width = Number(res.headers.get(PREVIEW_HEADERS.width));
  const height = Number(res.headers.get(PREVIEW_HEADERS.height));
  const scale = Number(res.headers.get(PREVIEW_HEADERS.scale));
  if (!(width > 0 && height > 0 && scale > 0)) return null;
  return { width: Math.round(width / scale), height: Math.round(height / scale) };
}

class RenderCache {
  private entries = new Map<string, string>();
  get(key: string): string | undefined {
    const url = this.entries.get(key);
    if (url !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, url);
    }
    return url;
  }
  put(key: string, url: string, inUse: () => string | null): void {
    this.entries.set(key, url);
    for (const [k, u] of this.entries) {
      if (this.entries.size <= KEEP) break;
      if (u === inUse()) continue;
      this.entries.delete(k);
      URL.revokeObjectURL(u);
    }
  }
  clear(): void {
    for (const u of this.entries.values()) URL.revokeObjectURL(u);
    this.entries.clear();
  }
}

async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { message?: unknown } | null;
  if (body && typeof body.message === "string") return body.message;
  return `The preview could not be made (${res.status}).`;
}

/** Only the steps that change the picture, without ids: equal chains share a render. */
export function previewKey(fileId: string, chain: Chain): string {
  const visible = chain.filter((s) => s.enabled);
  // Step ids only keep React keys stable; they do not change the picture.
  return JSON.stringify([fileId, visible], (k, v: unknown) => (k === "id" ? undefined : v));
}

export function usePreview(fileId: string, chain: Chain, options: { enabled?: boolean } = {}) {
  const enabled = options.enabled ?? true;
  const [state, setState] = useState<PreviewState>({
    url: null,
    loading: true,
    error: null,
    key: null,
    size: null,
  });
  const cache = useRef<RenderCache | null>(null);
  const sizes = useRef(new Map<string, Size | null>());
  const shown = useRef<string | null>(null);
  cache.current ??= new RenderCache();

  useEffect(() => {
    const renders = cache.current;
    return () => renders?.clear();
  }, []);

  const key = previewKey(fileId, chain);
  useEffect(() => {
    if (!enabled) return;
    const renders = cache.current!;
    const parsed = Chain.safeParse(chain);
    if (!parsed.success) {
      setState((s) => ({
        ...s,
        loading: false,
        error: parsed.error.issues[0]?.message ?? "A step's settings are not valid.",
      }));
      return;
    }
    const cached = renders.get(key);
    if (cached) {
      shown.current = cached;
      setState({
        url: cached,
        loading: false,
        error: null,
        key,
        size: sizes.current.get(key) ?? null,
      });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    const timer = setTimeout(async () => {
      try {
        const res = await fetch("/api/images/preview", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ fileId, chain: parsed.data }),
          signal: controller.signal,
        });
        if (!res.ok) {
          const message = await errorMessage(res);
          if (!controller.signal.aborted)
            setState((s) => ({ ...s, loading: false, error: message }));
          return;
        }
        const blob = await res.blob();
        if (controller.signal.aborted) return;
        const url = URL.createObjectURL(blob);
        const size = fullSize(res);
        sizes.current.set(key, size);
        renders.put(key, url, () => shown.current);
        shown.current = url;
        setState({ url, loading: false, error: null, key, size });
      } catch (err) {
        if (controller.signal.aborted) return;
        setState((s) => ({
          ...s,
          loading: false,
          error:
            err instanceof TypeError
              ? "The server could not be reached. Check your connection."
              : "The preview could not be made.",
        }));
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `key` stands for fileId + chain.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);

  return state;
}

import "server-only";
import { inngest } from "@/lib/events/client";
import { searchIndexRequested } from "@/lib/events/events";
import { logger } from "@/lib/log/logger";

// Asks the worker to bring a user's search index up to date. Fire and forget: a failed send
// must not fail the upload that triggered it — the next upload or search page asks again.
const lastSent = new Map<string, number>();

export async function requestSearchIndex(ownerId: string, opts: { throttleMs?: number } = {}) {
  const now = Date.now();
  if (opts.throttleMs && now - (lastSent.get(ownerId) ?? 0) < opts.throttleMs) return;
  lastSent.set(ownerId, now);
  if (lastSent.size > 10_000) lastSent.clear();
  try {
    await inngest.send(searchIndexRequested.create({ ownerId }));
  } catch (error) {
    logger.warn("search index request not sent", { err: error, ownerId });
  }
}

import { canonicalJson } from "./canonical-json";
import { parseCron, nextCronTime } from "./cron";
import { transaction, type Db } from "./db";
import { SyncError, SyncResponse, toFunctionDef, type FunctionDef } from "./functions";
import { REPLAYED_MESSAGE, signatureHeader, verifySignature } from "./signing";
import { forgetFunctions } from "./store";

// Registers an app's functions the way Inngest does for a self-hosted server: the in-band sync
// (PUT with x-inngest-sync-kind: in_band) returns the whole function list in the response.

/**
 * How long one sync request may take, and how long a worker keeps asking. The serve endpoint is
 * often the worker's own, just started: on a loaded machine its first answer (the SDK building
 * every function's definition) has taken longer than one attempt, and a worker that gave up then
 * never started (`npm run up` at load 10). Only an endpoint that stays unreachable is an error.
 */
export type SyncTimeouts = { attemptMs: number; deadlineMs: number };
const SYNC_TIMEOUTS: SyncTimeouts = { attemptMs: 15_000, deadlineMs: 120_000 };

export async function fetchFunctions(
  serveUrl: string,
  signingKey: string,
  timeouts: SyncTimeouts = SYNC_TIMEOUTS,
): Promise<{ appId: string; defs: FunctionDef[] }> {
  const body = canonicalJson({ url: serveUrl });
  const giveUpAt = Date.now() + timeouts.deadlineMs;
  let replays = 0;
  let response: Response;
  let text: string;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await fetch(serveUrl, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          "x-inngest-sync-kind": "in_band",
          "x-inngest-signature": signatureHeader(body, signingKey),
        },
        body,
        signal: AbortSignal.timeout(timeouts.attemptMs),
      });
      text = await response.text();
    } catch (error) {
      const pause = Math.min(1_000, timeouts.attemptMs);
      if (Date.now() + pause < giveUpAt) {
        await new Promise((r) => setTimeout(r, pause));
        continue;
      }
      throw new SyncError(
        `cannot reach the serve endpoint ${serveUrl} (${attempt + 1} attempts in ${Math.round(timeouts.deadlineMs / 1000)} s): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    // Another worker synced the same URL within the same second: the same signature, which the
    // endpoint accepts once (replay-guard.ts). The next second signs differently.
    if (response.status !== 401 || !text.includes(REPLAYED_MESSAGE) || replays++ >= 3) break;
    await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)));
  }
  if (response.status === 401) {
    throw new SyncError(
      `the serve endpoint ${serveUrl} rejected the signature: INNGEST_SIGNING_KEY differs between the worker and the app`,
    );
  }
  if (response.status !== 200 || response.headers.get("x-inngest-sync-kind") !== "in_band") {
    throw new SyncError(
      `in-band sync with ${serveUrl} failed (HTTP ${response.status}): ${text.slice(0, 300)}`,
    );
  }
  // Only a response signed with the key is believed: anything on the way could answer otherwise.
  const signature = response.headers.get("x-inngest-signature");
  if (!signature || !verifySignature(signature, text, signingKey)) {
    throw new SyncError(
      `the sync response from ${serveUrl} is ${signature ? "signed with another key" : "not signed"}`,
    );
  }
  const parsed = SyncResponse.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new SyncError(`unreadable sync response from ${serveUrl}: ${parsed.error.message}`);
  const problems: string[] = [];
  const defs: FunctionDef[] = [];
  for (const raw of parsed.data.functions) {
    const result = toFunctionDef(raw, parsed.data.app_id);
    problems.push(...result.problems);
    if (result.def) defs.push(result.def);
  }
  if (problems.length > 0) {
    throw new SyncError(
      `cannot run app "${parsed.data.app_id}" on the local executor:\n  ${problems.join("\n  ")}`,
    );
  }
  return { appId: parsed.data.app_id, defs };
}

/** Replaces the app's functions and cron schedules; a cron keeps its next time if unchanged. */
export async function saveFunctions(
  db: Db,
  appId: string,
  defs: FunctionDef[],
  now = Date.now(),
): Promise<void> {
  await transaction(db, async (tx) => {
    const ids = defs.map((d) => d.id);
    await tx.query(
      `DELETE FROM ExecFunction WHERE appId = ?${ids.length ? " AND id NOT IN (?)" : ""}`,
      ids.length ? [appId, ids] : [appId],
    );
    for (const def of defs) {
      await tx.query(
        `INSERT INTO ExecFunction (id, appId, url, config, concurrencyLimit, syncedAt) VALUES (?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE appId = VALUES(appId), url = VALUES(url), config = VALUES(config),
           concurrencyLimit = VALUES(concurrencyLimit), syncedAt = VALUES(syncedAt)`,
        [def.id, appId, def.url, JSON.stringify(def), def.concurrencyLimit, now],
      );
    }
    const crons = defs.flatMap((def) =>
      def.triggers.flatMap((t) => ("cron" in t ? [{ functionId: def.id, schedule: t.cron }] : [])),
    );
    const existing: { functionId: string; schedule: string }[] = await tx.query(
      "SELECT c.functionId, c.schedule FROM ExecCron c LEFT JOIN ExecFunction f ON f.id = c.functionId WHERE f.id IS NULL OR f.appId = ?",
      [appId],
    );
    for (const row of existing) {
      if (!crons.some((c) => c.functionId === row.functionId && c.schedule === row.schedule)) {
        await tx.query("DELETE FROM ExecCron WHERE functionId = ? AND schedule = ?", [
          row.functionId,
          row.schedule,
        ]);
      }
    }
    for (const cron of crons) {
      const next = nextCronTime(parseCron(cron.schedule), now);
      if (next === null) continue;
      await tx.query(
        "INSERT IGNORE INTO ExecCron (functionId, schedule, nextAt) VALUES (?, ?, ?)",
        [cron.functionId, cron.schedule, next],
      );
    }
  });
  forgetFunctions();
}

export async function syncApp(
  db: Db,
  serveUrl: string,
  signingKey: string,
): Promise<FunctionDef[]> {
  const { appId, defs } = await fetchFunctions(serveUrl, signingKey);
  await saveFunctions(db, appId, defs);
  return defs;
}

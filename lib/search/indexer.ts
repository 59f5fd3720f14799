import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { db } from "@/lib/db/client";
import { liveFiles } from "@/lib/drive/access";
import { mapReduceConfig } from "@/lib/mapreduce/config";
import { runJobLocally } from "@/lib/mapreduce/run-local";
import {
  deleteObject,
  deleteObjects,
  getRange,
  listPrefix,
  putObject,
} from "@/lib/storage/objects";
import { userPrefix } from "@/lib/storage/keys";
import {
  CLAIM_BATCH,
  CLAIM_STALE_MS,
  MAX_EXTRACT_FILE_BYTES,
  MAX_INDEXED_TEXT_BYTES,
  MAX_TERM_LENGTH,
  MAX_TERMS_PER_FILE,
  PASSAGE_WORDS,
} from "./config";
import { extractText } from "./extract";
import { discoverFiles, type DocState } from "./discover";
import { extractKind } from "./kinds";
import { indexKeys, words } from "./tokens";

// The search index of one user's Drive, kept up to date in rounds (inngest/functions/
// index-drive-search.ts runs them):
//   1. discover: every live file search can read gets a SearchDocument; a file whose bytes
//      changed (another storageKey: a new upload or version) goes back to "pending".
//   2. claim: a batch of pending documents is taken by this run (two runs never share a file).
//   3. extract: each file's text, read in a child process with time and memory limits, is
//      stored in object storage per file version (users/<id>/search-text/<file>-<version>).
//   4. index: the claimed texts are cut into passages of PASSAGE_WORDS words, one input line
//      "<fileId>.<passage><TAB><text>" each, and the MapReduce engine's built-in inverted index
//      turns them into "term<TAB>doc,doc,…". A term's documents name the file and the passage,
//      so counting a file's passages per term gives its term frequency. The postings of the
//      claimed files are replaced with the job's in one transaction.
// Postings are per (term, file), so a delta job over the changed files is exact: nothing needs
// merging with older output, and a full rebuild is the same job over every file's stored text.
// Trashed files keep their postings (a restore needs no re-index) and queries skip them; a
// deleted file's rows go with it (foreign keys).

export { discoverFiles } from "./discover";

const textKey = (ownerId: string, fileId: string, storageKey: string) =>
  `${userPrefix(ownerId)}search-text/${fileId}-${createHash("sha256").update(storageKey).digest("hex").slice(0, 16)}`;

/**
 * Deletes stored texts no document names any more: a deleted file's row goes with it (foreign
 * key), its text object does not. Returns how many were deleted.
 * Only texts older than a claim can live are orphans: a run extracting beside this sweep stores
 * its text before its document names it (CI lost a PDF's postings to that window — the next
 * step indexed an empty text).
 */
export async function sweepOrphanTexts(ownerId: string, now = new Date()): Promise<number> {
  const docs = await db.searchDocument.findMany({
    where: { ownerId, textKey: { not: null } },
    select: { textKey: true },
  });
  const kept = new Set(docs.map((d) => d.textKey));
  const settled = now.getTime() - CLAIM_STALE_MS;
  const orphans: string[] = [];
  for await (const o of listPrefix(`${userPrefix(ownerId)}search-text/`)) {
    const old = o.lastModified !== null && o.lastModified.getTime() < settled;
    if (!kept.has(o.key) && old) orphans.push(o.key);
  }
  if (orphans.length) await deleteObjects(orphans);
  return orphans.length;
}

/** Takes up to CLAIM_BATCH waiting documents (or ones a dead run left) for this run. */
export async function claimBatch(ownerId: string, claim: string = randomUUID()) {
  const stale = new Date(Date.now() - CLAIM_STALE_MS);
  await db.$executeRaw`
    UPDATE SearchDocument SET claim = ${claim}, claimedAt = NOW(3), state = 'extracting', updatedAt = NOW(3)
    WHERE ownerId = ${ownerId}
      AND (state = 'pending' OR (state IN ('extracting', 'extracted') AND claimedAt < ${stale}))
    ORDER BY fileId LIMIT ${CLAIM_BATCH}`;
  const rows = await db.searchDocument.findMany({
    where: { ownerId, claim },
    select: { fileId: true },
    orderBy: { fileId: "asc" },
  });
  return { claim, fileIds: rows.map((r) => r.fileId) };
}

/** Reads one claimed file's text into object storage; the document says how it went. */
export async function extractClaimed(ownerId: string, claim: string, fileId: string) {
  const doc = await db.searchDocument.findFirst({ where: { fileId, ownerId, claim } });
  if (!doc) return { state: "gone" as const };
  const file = (await liveFiles(ownerId, [fileId])).get(fileId);
  const kind = file ? extractKind(file.name, file.contentType) : null;
  const done = async (state: DocState, extra: Record<string, unknown> = {}) => {
    await db.searchDocument.updateMany({ where: { fileId, claim }, data: { state, ...extra } });
    return { state };
  };
  // Trashed, overwritten or renamed to something unreadable since the claim: the next discovery
  // sees it again.
  if (!file || !kind || file.storageKey !== doc.storageKey)
    return done("pending", { claim: null, claimedAt: null });
  const bytes = await getRange(file.storageKey, MAX_EXTRACT_FILE_BYTES);
  if (!bytes) return done("pending", { claim: null, claimedAt: null });
  const result = await extractText(kind, bytes);
  if (!result.ok) return done("failed", { message: result.message, claim: null });
  const text = result.text.replace(/\s+/g, " ").trim();
  const body = Buffer.from(text, "utf8");
  const used = await db.searchDocument.aggregate({
    where: { ownerId, state: "indexed", NOT: { fileId } },
    _sum: { textBytes: true },
  });
  if ((used._sum.textBytes ?? 0) + body.length > MAX_INDEXED_TEXT_BYTES)
    return done("skipped", {
      message: `The search index is full (${MAX_INDEXED_TEXT_BYTES / 1024 / 1024} MB of text).`,
      claim: null,
    });
  const key = textKey(ownerId, fileId, file.storageKey);
  await putObject(key, body, "text/plain; charset=utf-8");
  if (doc.textKey && doc.textKey !== key) await deleteObject(doc.textKey).catch(() => {});
  return done("extracted", {
    textKey: key,
    textBytes: body.length,
    words: words(text).length,
    message: null,
  });
}

/** Passages of a text as the inverted index's input lines (keys: lib/search/tokens.ts). */
export function passages(fileId: string, text: string): string {
  const tokens = indexKeys(text);
  let out = "";
  for (let i = 0, n = 0; i < tokens.length; i += PASSAGE_WORDS, n++) {
    out += `${fileId}.${n}\t${tokens.slice(i, i + PASSAGE_WORDS).join(" ")}\n`;
  }
  return out;
}

/**
 * Runs the MapReduce inverted index over the claimed, extracted texts and loads its output as
 * the postings of those files. Returns the number of files indexed.
 */
export async function indexClaimed(ownerId: string, claim: string): Promise<number> {
  const docs = await db.searchDocument.findMany({
    where: { ownerId, claim, state: "extracted" },
    select: { fileId: true, textKey: true },
  });
  if (docs.length === 0) {
    await releaseClaim(ownerId, claim);
    return 0;
  }
  // Beside MapReduce's own job directories (MAPREDUCE_WORK_DIR): the disk the worker sized for it.
  const root = join(mapReduceConfig().workDir, "search");
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, "job-"));
  try {
    await mkdir(join(dir, "inputs"));
    const inputs = [];
    const lost: string[] = [];
    for (const [i, d] of docs.entries()) {
      const bytes = d.textKey ? await getRange(d.textKey, 8 * 1024 * 1024) : null;
      // A text gone since extraction is read again, never indexed as empty.
      if (!bytes) {
        lost.push(d.fileId);
        continue;
      }
      const path = `inputs/text-${i}.tsv`;
      await writeFile(join(dir, path), passages(d.fileId, Buffer.from(bytes).toString("utf8")));
      inputs.push({ path, name: `${d.fileId}.txt` });
    }
    if (lost.length) {
      await db.searchDocument.updateMany({
        where: { ownerId, claim, fileId: { in: lost } },
        data: { state: "pending", claim: null, claimedAt: null, textKey: null },
      });
    }
    if (inputs.length === 0) return 0;
    const result = await runJobLocally(
      {
        jobId: `search-${claim.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 64),
        job: { kind: "inverted-index" },
        options: { reducers: 1, combiner: "reducer", taskTimeoutSeconds: 300 },
        inputs,
      },
      dir,
      { owner: ownerId, maxAttempts: 2, engine: { concurrency: 1 } },
    );
    const tf = new Map<string, Map<string, number>>(
      docs.filter((d) => !lost.includes(d.fileId)).map((d) => [d.fileId, new Map()]),
    );
    for (const out of result.outputs) {
      const text = await readFile(join(dir, "output", out.name), "latin1");
      for (const line of text.split("\n")) {
        const tab = line.indexOf("\t");
        if (tab <= 0 || tab > MAX_TERM_LENGTH) continue;
        const term = line.slice(0, tab);
        for (const doc of line.slice(tab + 1).split(",")) {
          const fileId = doc.slice(0, doc.lastIndexOf("."));
          const terms = tf.get(fileId);
          if (terms) terms.set(term, (terms.get(term) ?? 0) + 1);
        }
      }
    }
    await loadPostings(ownerId, claim, tf);
    return tf.size;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadPostings(ownerId: string, claim: string, tf: Map<string, Map<string, number>>) {
  const fileIds = [...tf.keys()];
  const rows: { ownerId: string; term: string; fileId: string; tf: number }[] = [];
  for (const [fileId, terms] of tf) {
    let entries = [...terms];
    if (entries.length > MAX_TERMS_PER_FILE)
      entries = entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_TERMS_PER_FILE);
    for (const [term, n] of entries) rows.push({ ownerId, term, fileId, tf: n });
  }
  await db.$transaction(
    async (tx) => {
      await tx.searchPosting.deleteMany({ where: { ownerId, fileId: { in: fileIds } } });
      for (let i = 0; i < rows.length; i += 2000)
        await tx.searchPosting.createMany({ data: rows.slice(i, i + 2000) });
      await tx.searchDocument.updateMany({
        where: { ownerId, claim, fileId: { in: fileIds } },
        data: { state: "indexed", indexedAt: new Date(), claim: null, claimedAt: null },
      });
    },
    { timeout: 120_000 },
  );
}

async function releaseClaim(ownerId: string, claim: string) {
  await db.searchDocument.updateMany({
    where: { ownerId, claim },
    data: { claim: null, claimedAt: null },
  });
}

/** Marks every indexed document of the owner for re-indexing from its stored text. */
export async function requestRebuild(ownerId: string): Promise<void> {
  await db.searchDocument.updateMany({
    where: { ownerId, state: { in: ["indexed", "failed"] } },
    data: { state: "pending", claim: null, claimedAt: null },
  });
}

/** One whole pass for tests and the function's body: discover, then claim/extract/index rounds. */
export async function indexDrive(ownerId: string): Promise<{ indexed: number }> {
  await discoverFiles(ownerId);
  await sweepOrphanTexts(ownerId);
  let indexed = 0;
  for (;;) {
    const { claim, fileIds } = await claimBatch(ownerId);
    if (fileIds.length === 0) break;
    for (const fileId of fileIds) await extractClaimed(ownerId, claim, fileId);
    indexed += await indexClaimed(ownerId, claim);
  }
  return { indexed };
}

import { inngest } from "@/lib/events/client";
import { searchIndexRequested } from "@/lib/events/events";
import {
  claimBatch,
  discoverFiles,
  extractClaimed,
  indexClaimed,
  sweepOrphanTexts,
} from "@/lib/search/indexer";

// Most rounds one run does; a Drive with more waiting files is finished by the next request
// (every upload and every visit to the search page sends one).
const MAX_ROUNDS = 40;

// Drive full-text search: discover the owner's new and changed files, then in rounds claim a
// batch, extract each file's text (one step each: a retry re-reads one file, not fifty), and
// run the MapReduce inverted index over the batch (lib/search/indexer.ts). Runs for one owner
// may overlap (several uploads): claims keep them on different files.
export const indexDriveSearch = inngest.createFunction(
  { id: "index-drive-search", retries: 2, triggers: [searchIndexRequested] },
  async ({ event, step }) => {
    const { ownerId } = event.data;
    const waiting = await step.run("discover", async () => {
      await sweepOrphanTexts(ownerId);
      return discoverFiles(ownerId);
    });
    if (waiting === 0) return { indexed: 0 };
    let indexed = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { claim, fileIds } = await step.run(`claim-${round}`, () => claimBatch(ownerId));
      if (fileIds.length === 0) break;
      for (const fileId of fileIds) {
        await step.run(`extract-${round}-${fileId}`, () => extractClaimed(ownerId, claim, fileId));
      }
      indexed += await step.run(`index-${round}`, () => indexClaimed(ownerId, claim));
    }
    return { indexed };
  },
);

import { applyImageBatch } from "./functions/apply-image-batch";
import { applyImageChain } from "./functions/apply-image-chain";
import { emptyTrashJob } from "./functions/empty-trash";
import { makeThumbnailFn } from "./functions/make-thumbnail";
import { pulseAlerts } from "./functions/pulse-alerts";
import { pulseArchive } from "./functions/pulse-archive";
import { pulseBackfill } from "./functions/pulse-backfill";
import { pulseConsume } from "./functions/pulse-consume";
import { pulsePrune } from "./functions/pulse-prune";
import { purgeTrash } from "./functions/purge-trash";
import { sendEmail } from "./functions/send-email";
import { sendPasswordReset } from "./functions/send-password-reset";

// The functions the web tier may serve (/api/inngest, e.g. for Inngest Cloud on Vercel). The worker
// serves these and the worker-only ones (inngest/worker-functions.ts).
export const functions = [
  sendEmail,
  sendPasswordReset,
  purgeTrash,
  emptyTrashJob,
  applyImageChain,
  applyImageBatch,
  makeThumbnailFn,
  pulseConsume,
  pulsePrune,
  pulseArchive,
  pulseAlerts,
  pulseBackfill,
];

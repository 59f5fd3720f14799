import { applyImageBatch } from "./functions/apply-image-batch";
import { applyImageChain } from "./functions/apply-image-chain";
import { emptyTrashJob } from "./functions/empty-trash";
import { purgeTrash } from "./functions/purge-trash";
import { sendEmail } from "./functions/send-email";

// Every function Stratus serves, from /api/inngest and from the worker's own endpoint alike.
export const functions = [sendEmail, purgeTrash, emptyTrashJob, applyImageChain, applyImageBatch];

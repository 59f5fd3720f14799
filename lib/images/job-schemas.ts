import { z } from "zod";
import { Chain, MAX_CHAIN_LENGTH, OutputOptions } from "./chain";

// The events that start Image Studio's jobs. The chain travels in the event: a batch applies the
// preset as it was when the user started it. The SDK checks an event's shape against a schema
// without defaults or transforms (ImageApplyEvent), and the function parses the data again with
// the full chain schema before it renders anything (ImageApplyData).

const id = z.string().regex(/^[A-Za-z0-9_-]{1,30}$/);
const looseChain = z.array(z.record(z.string(), z.unknown())).max(MAX_CHAIN_LENGTH);
const looseOutput = z.record(z.string(), z.unknown());

export const IMAGE_APPLY_KIND = "image.apply";
export const IMAGE_BATCH_KIND = "image.batch";

export const ImageApplyEvent = z.object({
  jobId: id,
  userId: id,
  fileId: id,
  chain: looseChain,
  output: looseOutput,
});
export const ImageApplyData = ImageApplyEvent.extend({ chain: Chain, output: OutputOptions });
export type ImageApplyData = z.infer<typeof ImageApplyData>;

export const ImageBatchEvent = z.object({
  jobId: id,
  userId: id,
  chain: looseChain,
  output: looseOutput,
});
export const ImageBatchData = ImageBatchEvent.extend({ chain: Chain, output: OutputOptions });
export type ImageBatchData = z.infer<typeof ImageBatchData>;

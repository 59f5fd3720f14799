import { z } from "zod";
import { itemRefsSchema } from "@/lib/drive/schemas";
import { Chain, OutputOptions } from "./chain";
import { presetIdSchema } from "./preset-schemas";

// Inputs of Image Studio's server actions. No server imports: the editor checks with them too.

export const fileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Pick an image");

export const applySchema = z.object({
  fileId: fileIdSchema,
  chain: Chain.min(1, "Add at least one step before applying"),
  output: OutputOptions,
});
export type ApplyInput = z.input<typeof applySchema>;

export const applyBatchSchema = z.object({
  items: itemRefsSchema,
  presetId: presetIdSchema,
});

/** The picker's search: a part of the name and a page (bad values fall back to the defaults). */
export const librarySearchSchema = z.object({
  q: z.string().trim().max(255).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

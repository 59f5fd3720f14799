import { z } from "zod";

// ?files=id,id&folders=id,id — both optional, at least one id in all.
const MAX_IDS = 1000;

const idList = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(",").filter((part) => part !== "") : []))
  .pipe(
    z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Unknown item"))
      .max(MAX_IDS, `Select at most ${MAX_IDS} items`),
  );

export const zipQuerySchema = z
  .object({ files: idList, folders: idList })
  .refine((q) => q.files.length + q.folders.length > 0, "Select at least one item");

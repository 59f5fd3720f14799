import { z } from "zod";
import { itemNameSchema } from "./name-rules";

// Input schemas for Drive pages and actions. No server imports: client components use the
// defaults and the sort keys too.

export const PAGE_SIZE = 100;

// Ids are cuids; anything else can never match a row, so it is refused before a query.
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Unknown item");

/** "" or absent means the drive's root. */
export const folderIdSchema = z.preprocess(
  (v) => (v === "" || v === undefined || v === "root" ? null : v),
  idSchema.nullable(),
);

export const SORT_KEYS = ["name", "size", "type", "modified"] as const;
export const sortKeySchema = z.enum(SORT_KEYS);
export type SortKey = z.infer<typeof sortKeySchema>;

export const sortDirSchema = z.enum(["asc", "desc"]);
export type SortDir = z.infer<typeof sortDirSchema>;

export const searchQuerySchema = z.string().trim().max(255, "Use at most 255 characters");

// Generous enough for 10,000 × 100 = 1,000,000 items per folder.
export const pageSchema = z.coerce.number().int().min(1).max(100_000);

/**
 * The query string of /drive. Invalid values fall back to their defaults instead of failing the
 * page: a hand-edited URL should still show the drive.
 */
export const browseParamsSchema = z.object({
  folder: folderIdSchema.catch(null),
  sort: sortKeySchema.catch("name"),
  dir: sortDirSchema.catch("asc"),
  page: pageSchema.catch(1),
  q: searchQuerySchema.optional().catch(undefined),
});
export type BrowseParams = z.infer<typeof browseParamsSchema>;

/** Next's searchParams values can be arrays (?a=1&a=2); the first one counts. */
export function firstParam(
  params: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(params)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

export type ItemKind = "file" | "folder";
export type ItemRef = { kind: ItemKind; id: string };

/** "file:<id>" or "folder:<id>": how forms post a selection of items. */
export const itemRefSchema = z
  .string()
  .regex(/^(file|folder):[A-Za-z0-9_-]{1,30}$/, "Unknown item")
  .transform((s): ItemRef => {
    const [kind, id] = s.split(":") as [ItemKind, string];
    return { kind, id };
  });

// A page holds at most PAGE_SIZE items, so a selection is never larger than that.
export const itemRefsSchema = z
  .array(itemRefSchema)
  .min(1, "Select at least one item")
  .max(PAGE_SIZE, `Select at most ${PAGE_SIZE} items`);

export const createFolderSchema = z.object({ parentId: folderIdSchema, name: itemNameSchema });

export const renameSchema = z.object({ item: itemRefSchema, name: itemNameSchema });

export const moveSchema = z.object({ items: itemRefsSchema, targetId: folderIdSchema });

export const itemsSchema = z.object({ items: itemRefsSchema });

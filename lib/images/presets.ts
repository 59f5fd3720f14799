import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { Chain, OutputOptions } from "./chain";
import {
  MAX_PRESETS,
  presetIdSchema,
  presetNameSchema,
  savePresetSchema,
  type ImagePresetDto,
  type SavePresetInput,
} from "./preset-schemas";

// A user's saved chains. Every query is scoped to the owner: a foreign preset id answers exactly
// like a missing one. Chains are validated on the way in and again on the way out, so a preset
// saved by an older schema cannot reach the pipeline unchecked.

export type PresetResult =
  | { ok: true; preset: ImagePresetDto; message: string }
  | {
      ok: false;
      reason: "not-found" | "name-taken" | "invalid" | "too-many";
      message: string;
      errors?: Record<string, string[]>;
    };

const select = { id: true, name: true, chain: true, output: true, updatedAt: true } as const;
type Row = { id: string; name: string; chain: string; output: string; updatedAt: Date };

const NOT_FOUND = "That preset no longer exists.";
const OUTDATED = "This preset was saved by an older version of Image Studio and cannot be applied.";

function toDto(row: Row): ImagePresetDto {
  const base = { id: row.id, name: row.name, updatedAt: row.updatedAt.toISOString() };
  try {
    const chain = Chain.safeParse(JSON.parse(row.chain));
    const output = OutputOptions.safeParse(JSON.parse(row.output));
    if (chain.success && output.success) return { ...base, chain: chain.data, output: output.data };
  } catch {
    // Not JSON: reported below like any other unreadable preset.
  }
  return {
    ...base,
    chain: [],
    output: { format: "jpeg", quality: 80, keepMetadata: false },
    problem: OUTDATED,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

function nameTaken(name: string): PresetResult {
  return {
    ok: false,
    reason: "name-taken",
    message: `A preset named “${name}” already exists.`,
    errors: { name: [`A preset named “${name}” already exists. Replace it or pick another name.`] },
  };
}

export async function listPresets(ownerId: string): Promise<ImagePresetDto[]> {
  const rows = await db.imagePreset.findMany({
    where: { ownerId },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: MAX_PRESETS,
    select,
  });
  return rows.map(toDto);
}

export async function getPreset(ownerId: string, id: string): Promise<ImagePresetDto | null> {
  const parsed = presetIdSchema.safeParse(id);
  if (!parsed.success) return null;
  const row = await db.imagePreset.findFirst({ where: { id: parsed.data, ownerId }, select });
  return row ? toDto(row) : null;
}

/**
 * Saves a chain under a name. A name the user already uses (case-insensitively, by the column's
 * collation) is refused unless `replace` is set, in which case that preset takes the new chain.
 */
export async function savePreset(ownerId: string, input: SavePresetInput): Promise<PresetResult> {
  const parsed = savePresetSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues)
      (errors[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
    return {
      ok: false,
      reason: "invalid",
      message: parsed.error.issues[0]?.message ?? "Invalid preset",
      errors,
    };
  }
  const { name, chain, output, replace } = parsed.data;
  const data = { chain: JSON.stringify(chain), output: JSON.stringify(output) };
  const existing = await db.imagePreset.findFirst({
    where: { ownerId, name },
    select: { id: true },
  });
  if (existing) {
    if (!replace) return nameTaken(name);
    const row = await db.imagePreset.update({
      where: { id: existing.id },
      data: { ...data, name },
      select,
    });
    return { ok: true, preset: toDto(row), message: `Preset “${name}” updated.` };
  }
  if ((await db.imagePreset.count({ where: { ownerId } })) >= MAX_PRESETS) {
    return {
      ok: false,
      reason: "too-many",
      message: `You have ${MAX_PRESETS} presets, the most there can be. Delete one first.`,
    };
  }
  try {
    const row = await db.imagePreset.create({ data: { ownerId, name, ...data }, select });
    return { ok: true, preset: toDto(row), message: `Preset “${name}” saved.` };
  } catch (err) {
    // Another tab saved the same name between the lookup and the insert.
    if (isUniqueViolation(err)) return nameTaken(name);
    throw err;
  }
}

export async function renamePreset(
  ownerId: string,
  id: string,
  name: string,
): Promise<PresetResult> {
  const parsedId = presetIdSchema.safeParse(id);
  const parsedName = presetNameSchema.safeParse(name);
  if (!parsedId.success) return { ok: false, reason: "not-found", message: NOT_FOUND };
  if (!parsedName.success) {
    const message = parsedName.error.issues[0]?.message ?? "Enter a name";
    return { ok: false, reason: "invalid", message, errors: { name: [message] } };
  }
  try {
    const { count } = await db.imagePreset.updateMany({
      where: { id: parsedId.data, ownerId },
      data: { name: parsedName.data },
    });
    if (count === 0) return { ok: false, reason: "not-found", message: NOT_FOUND };
  } catch (err) {
    if (isUniqueViolation(err)) return nameTaken(parsedName.data);
    throw err;
  }
  const preset = await getPreset(ownerId, parsedId.data);
  if (!preset) return { ok: false, reason: "not-found", message: NOT_FOUND };
  return { ok: true, preset, message: `Renamed to “${preset.name}”.` };
}

export async function deletePreset(
  ownerId: string,
  id: string,
): Promise<{ ok: boolean; message: string }> {
  const parsed = presetIdSchema.safeParse(id);
  if (!parsed.success) return { ok: false, message: NOT_FOUND };
  const row = await db.imagePreset.findFirst({
    where: { id: parsed.data, ownerId },
    select: { name: true },
  });
  if (!row) return { ok: false, message: NOT_FOUND };
  await db.imagePreset.deleteMany({ where: { id: parsed.data, ownerId } });
  return { ok: true, message: `Deleted preset “${row.name}”.` };
}

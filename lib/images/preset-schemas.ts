import { z } from "zod";
import { Chain, OutputOptions } from "./chain";

// Inputs for saving and managing presets. No server imports: the editor's dialogs validate with
// the same schemas before they send.

export const MAX_PRESETS = 200;

// C0/C1 controls and bidi overrides would make one name display as another.
const FORBIDDEN_CHARS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export const presetNameSchema = z
  .string({ error: "Enter a name" })
  .trim()
  .normalize("NFC")
  .min(1, "Enter a name")
  .refine((s) => Array.from(s).length <= 100, { message: "Use at most 100 characters" })
  .refine((s) => !FORBIDDEN_CHARS.test(s), { message: "A name cannot contain control characters" });

export const presetIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, "Unknown preset");

export const savePresetSchema = z.object({
  name: presetNameSchema,
  chain: Chain.min(1, "Add at least one step before saving a preset"),
  output: OutputOptions,
  // Saving under a name that exists replaces that preset only when the user said so.
  replace: z.boolean().default(false),
});
export type SavePresetInput = z.input<typeof savePresetSchema>;

export const renamePresetSchema = z.object({ id: presetIdSchema, name: presetNameSchema });

/** What the browser sees of a preset. */
export type ImagePresetDto = {
  id: string;
  name: string;
  chain: Chain;
  output: OutputOptions;
  updatedAt: string;
  /** Set when the stored chain no longer validates (saved by an older version): not applicable. */
  problem?: string;
};

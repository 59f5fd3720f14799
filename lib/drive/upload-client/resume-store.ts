import { z } from "zod";

// What survives a page reload: enough to recognise the same file when the user picks it again
// (name + size + lastModified) and the server's upload id to ask which parts arrived. Bytes never
// go to localStorage; the browser cannot reopen a file without the user choosing it.

const entrySchema = z.object({
  uploadId: z.string().min(1).max(64),
  name: z.string(),
  size: z.number().int().nonnegative(),
  lastModified: z.number(),
  folderId: z.string().nullable(),
  mode: z.enum(["single", "multipart"]),
  // The tab uploading it, and when that tab last said it was alive: another open tab's uploads
  // are not "interrupted".
  tabId: z.string(),
  touchedAt: z.number(),
});

export type ResumeEntry = z.infer<typeof entrySchema>;

export interface ResumeStore {
  load(): ResumeEntry[];
  save(entries: ResumeEntry[]): void;
}

const KEY = "stratus.drive.uploads.v1";

export function sameFile(
  entry: Pick<ResumeEntry, "name" | "size" | "lastModified">,
  file: { name: string; size: number; lastModified: number },
): boolean {
  return (
    entry.name === file.name && entry.size === file.size && entry.lastModified === file.lastModified
  );
}

export const localResumeStore: ResumeStore = {
  load() {
    try {
      const raw = window.localStorage.getItem(KEY);
      if (!raw) return [];
      const parsed = z.array(entrySchema).safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : [];
    } catch {
      // Storage disabled (private mode, quota): uploads still work, they just cannot resume.
      return [];
    }
  },
  save(entries) {
    try {
      if (entries.length === 0) window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, JSON.stringify(entries));
    } catch {
      // As above: resuming is a convenience.
    }
  },
};

export function memoryResumeStore(initial: ResumeEntry[] = []): ResumeStore {
  let entries = [...initial];
  return {
    load: () => [...entries],
    save: (next) => {
      entries = [...next];
    },
  };
}

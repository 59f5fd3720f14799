// A language code as people read it ("pt" → "Portuguese"); "und" → "Unknown language".
const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });

export function languageName(code: string): string {
  if (code === "und") return "Unknown language";
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

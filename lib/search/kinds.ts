// Which Drive files search can read, and how: by extension first (what users name files), then
// by content type.
export type ExtractKind = "text" | "pdf" | "docx" | "xlsx" | "pptx";

const TEXT_EXTENSIONS = new Set([
  "txt",
  "text",
  "md",
  "markdown",
  "rst",
  "csv",
  "tsv",
  "json",
  "ndjson",
  "jsonl",
  "log",
  "xml",
  "html",
  "htm",
  "yaml",
  "yml",
  "toml",
  "ini",
  "cfg",
  "conf",
  "tex",
  "srt",
  "vtt",
  "js",
  "mjs",
  "cjs",
  "ts",
  "tsx",
  "jsx",
  "py",
  "rb",
  "go",
  "rs",
  "java",
  "kt",
  "c",
  "h",
  "cc",
  "cpp",
  "hpp",
  "cs",
  "php",
  "swift",
  "scala",
  "sh",
  "bash",
  "zsh",
  "sql",
  "css",
  "scss",
  "r",
  "pl",
  "lua",
  "dart",
  "vue",
  "svelte",
]);

export function extractKind(name: string, contentType: string): ExtractKind | null {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (ext === "pdf" || contentType === "application/pdf") return "pdf";
  if (ext === "docx") return "docx";
  if (ext === "xlsx") return "xlsx";
  if (ext === "pptx") return "pptx";
  if (TEXT_EXTENSIONS.has(ext)) return "text";
  if (contentType.startsWith("text/")) return "text";
  if (contentType === "application/json") return "text";
  return null;
}

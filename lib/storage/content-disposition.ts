// A Content-Disposition value for a user-chosen file name (RFC 6266): `filename*` carries the real
// name, `filename` an ASCII approximation for old clients. Nothing from the name can end the
// header or the quoted string.

const MAX_CHARS = 200;

// Control characters (CR/LF would split the header) and invisible formatting characters that can
// disguise an extension, e.g. U+202E turning "gpj.exe" into "exe.jpg" on screen.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

export function safeFilename(raw: string): string {
  let name = raw.toWellFormed().normalize("NFC").replace(UNSAFE, "").replace(/[/\\]/g, "_").trim();
  const chars = [...name];
  if (chars.length > MAX_CHARS) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = chars.slice(0, MAX_CHARS - [...ext].length).join("") + ext;
  }
  return name === "" || name === "." || name === ".." ? "download" : name;
}

function asciiFallback(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .replace(/"/g, "'")
      // `\` escapes in a quoted string; `%` may be percent-decoded by some clients.
      .replace(/[^\x20-\x7e]|[\\%]/g, "_")
  );
}

function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function contentDisposition(
  filename: string,
  type: "attachment" | "inline" = "attachment",
): string {
  const name = safeFilename(filename);
  return `${type}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

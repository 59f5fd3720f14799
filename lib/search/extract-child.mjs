// The text extractor, run in a child process per file (lib/search/extract.ts): PDF and Office
// parsers meet hostile bytes here, so a parser that loops, blows its heap or crashes takes down
// only this process, which the parent kills at its time limit. Plain ESM, no TypeScript: it runs
// under bare node in the worker and in tests alike.
//   argv: <kind> <maxChars>   stdin: the file's bytes   stdout: the text (UTF-8), at most maxChars
import { unzipSync } from "fflate";

const [kind, maxCharsArg] = process.argv.slice(2);
const maxChars = Number(maxCharsArg) || 1_000_000;
// Office files are zips: refuse to inflate more than this (a zip bomb) before the heap limit does.
const MAX_UNZIPPED = 64 * 1024 * 1024;

function fail(message) {
  // Marked: parsers write their own warnings to stderr too.
  process.stderr.write(`\nSTRATUS-ERROR ${message}\n`);
  process.exit(2);
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks);
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function decodeXml(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === "#") {
      const code =
        e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000
        ? String.fromCodePoint(code)
        : " ";
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function unzip(bytes, wanted) {
  let total = 0;
  let files;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!wanted(f.name)) return false;
        total += f.originalSize;
        if (total > MAX_UNZIPPED) fail("The document unpacks to more than 64 MB.");
        return true;
      },
    });
  } catch {
    fail("The file is not a readable Office document.");
  }
  const td = new TextDecoder();
  // Parts in their natural order: slide2 before slide10.
  const names = Object.keys(files).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return names.map((n) => ({ name: n, xml: td.decode(files[n]) }));
}

/** The text of the elements named `tag` (e.g. w:t), with a line break after each `para` element. */
function xmlText(xml, tag, para) {
  const out = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>|</${para}>|<w:tab/>|<w:br/>`, "g");
  for (const m of xml.matchAll(re)) {
    if (m[1] !== undefined) out.push(decodeXml(m[1]));
    else if (m[0] === `</${para}>` || m[0] === "<w:br/>") out.push("\n");
    else out.push(" ");
  }
  return out.join("");
}

function docx(bytes) {
  const parts = unzip(bytes, (n) =>
    /^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/.test(n),
  );
  if (!parts.some((p) => p.name === "word/document.xml")) fail("The file is not a Word document.");
  // The body first, then headers, footers and notes.
  parts.sort((a, b) =>
    a.name === "word/document.xml" ? -1 : b.name === "word/document.xml" ? 1 : 0,
  );
  return parts.map((p) => xmlText(p.xml, "w:t", "w:p")).join("\n");
}

function pptx(bytes) {
  const parts = unzip(bytes, (n) =>
    /^ppt\/(slides\/slide|notesSlides\/notesSlide)\d+\.xml$/.test(n),
  );
  if (parts.length === 0) fail("The file is not a PowerPoint presentation.");
  return parts.map((p) => xmlText(p.xml, "a:t", "a:p")).join("\n");
}

function xlsx(bytes) {
  const parts = unzip(
    bytes,
    (n) => n === "xl/sharedStrings.xml" || /^xl\/worksheets\/sheet\d+\.xml$/.test(n),
  );
  const shared = [];
  const sst = parts.find((p) => p.name === "xl/sharedStrings.xml");
  if (sst) {
    for (const si of sst.xml.matchAll(/<si>([\s\S]*?)<\/si>/g)) {
      shared.push(
        [...si[1].matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((t) => decodeXml(t[1])).join(""),
      );
    }
  }
  const sheets = parts.filter((p) => p.name.startsWith("xl/worksheets/"));
  if (sheets.length === 0) fail("The file is not an Excel workbook.");
  const lines = [];
  for (const sheet of sheets) {
    for (const row of sheet.xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
      const cells = [];
      for (const c of row[1].matchAll(/<c([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = c[1];
        const body = c[2] ?? "";
        if (/\bt="s"/.test(attrs)) {
          const v = /<v>(\d+)<\/v>/.exec(body);
          if (v) cells.push(shared[Number(v[1])] ?? "");
        } else if (/\bt="inlineStr"/.test(attrs)) {
          cells.push(
            [...body.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((t) => decodeXml(t[1])).join(""),
          );
        } else {
          const v = /<v>([^<]*)<\/v>/.exec(body);
          if (v) cells.push(decodeXml(v[1]));
        }
      }
      if (cells.length) lines.push(cells.join("\t"));
    }
  }
  return lines.join("\n");
}

async function pdf(bytes) {
  const { getDocumentProxy } = await import("unpdf");
  let doc;
  try {
    doc = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, verbosity: 0 });
  } catch {
    fail("The file is not a readable PDF.");
  }
  // Page by page, stopping once there is enough text: a 5,000-page PDF is not parsed in full.
  const pages = [];
  let chars = 0;
  for (let i = 1; i <= doc.numPages && chars < maxChars; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    let text = "";
    for (const item of content.items) {
      if (typeof item.str !== "string") continue;
      text += item.str;
      text += item.hasEOL ? "\n" : " ";
    }
    pages.push(text);
    chars += text.length;
    page.cleanup();
  }
  return pages.join("\n\n");
}

function plain(bytes) {
  // Binary data is not text: a NUL in the first 8 KiB says so (what git and grep assume).
  if (bytes.subarray(0, 8192).includes(0)) fail("The file holds binary data, not text.");
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

const bytes = await readStdin();
let text;
switch (kind) {
  case "text":
    text = plain(bytes);
    break;
  case "pdf":
    text = await pdf(bytes);
    break;
  case "docx":
    text = docx(bytes);
    break;
  case "xlsx":
    text = xlsx(bytes);
    break;
  case "pptx":
    text = pptx(bytes);
    break;
  default:
    fail(`Unknown kind ${kind}`);
}
text = text.replace(/\u0000/g, "").slice(0, maxChars);
process.stdout.write(text, () => process.exit(0));

import { describe, expect, it } from "vitest";
import { extractText } from "./extract";
import { makeDocx, makePdf, makePptx, makeXlsx, makeZipBomb } from "./test-fixtures";

const text = (s: string) => new TextEncoder().encode(s);

async function ok(p: ReturnType<typeof extractText>): Promise<string> {
  const r = await p;
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

describe("text extraction (a child process per file)", () => {
  it("reads plain text, a PDF, a Word document, a workbook and a presentation", async () => {
    expect(await ok(extractText("text", text("Hello café\nsecond line")))).toBe(
      "Hello café\nsecond line",
    );
    const pdf = await ok(
      extractText("pdf", makePdf(["Quarterly revenue grew", "in the northern region"])),
    );
    expect(pdf).toContain("Quarterly revenue grew");
    expect(pdf).toContain("northern region");
    const docx = await ok(
      extractText("docx", makeDocx(["Minutes of the board", "Budget & staffing <approved>"])),
    );
    expect(docx).toBe("Minutes of the board\nBudget & staffing <approved>\n");
    const xlsx = await ok(
      extractText(
        "xlsx",
        makeXlsx([
          ["Region", "Sales"],
          ["Walrus Bay", 1234.5],
        ]),
      ),
    );
    expect(xlsx).toBe("Region\tSales\nWalrus Bay\t1234.5");
    const pptx = await ok(extractText("pptx", makePptx(["Roadmap", "Launch in spring"])));
    expect(pptx).toBe("Roadmap\n\nLaunch in spring\n");
  });

  it("refuses damaged and binary files with a clear message", async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    expect(await extractText("pdf", garbage)).toEqual({
      ok: false,
      message: "The file is not a readable PDF.",
    });
    expect(await extractText("docx", garbage)).toEqual({
      ok: false,
      message: "The file is not a readable Office document.",
    });
    expect(await extractText("text", new Uint8Array([65, 0, 66]))).toEqual({
      ok: false,
      message: "The file holds binary data, not text.",
    });
  });

  it("refuses a zip bomb before inflating it", async () => {
    const r = await extractText("docx", makeZipBomb(80));
    expect(r).toEqual({ ok: false, message: "The document unpacks to more than 64 MB." });
  });

  it("kills a parser that runs past its time limit", async () => {
    // A real PDF with a limit no process can meet: the kill path, not the parser, answers.
    const r = await extractText("pdf", makePdf(["slow"]), { timeoutMs: 1 });
    expect(r).toEqual({
      ok: false,
      message: "Reading the text took longer than 0 s and was stopped.",
    });
  });

  it("keeps at most maxChars of text", async () => {
    const r = await ok(extractText("text", text("x".repeat(5000)), { maxChars: 100 }));
    expect(r.length).toBe(100);
  });
});

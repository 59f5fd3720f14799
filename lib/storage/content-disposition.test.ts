import { describe, expect, it } from "vitest";
import { contentDisposition, safeFilename } from "./content-disposition";

describe("contentDisposition", () => {
  it("gives an RFC 6266 value with an ASCII fallback and the UTF-8 name", () => {
    expect(contentDisposition('résumé "q".pdf')).toBe(
      `attachment; filename="resume 'q'.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q%22.pdf`,
    );
    expect(contentDisposition("plain.txt", "inline")).toBe(
      `inline; filename="plain.txt"; filename*=UTF-8''plain.txt`,
    );
  });

  it("cannot be used to inject headers or break out of the quoted string", () => {
    const value = contentDisposition('a"\r\nSet-Cookie: x=1;\\"\u0000.txt');
    expect(value).not.toMatch(/[\r\n\u0000]/);
    expect(value).toBe(
      `attachment; filename="a'Set-Cookie: x=1;_'.txt"; ` +
        `filename*=UTF-8''a%22Set-Cookie%3A%20x%3D1%3B_%22.txt`,
    );
    // The quoted string holds no quote or backslash, the extended value only attr-chars.
    const [, quoted = "", extended = ""] =
      /filename="([^"]*)"; filename\*=UTF-8''(.*)$/.exec(value) ?? [];
    expect(quoted).not.toMatch(/["\\]/);
    expect(extended).toMatch(/^[A-Za-z0-9!#$&+.^_`|~%-]+$/);
  });

  it("drops characters that disguise the extension and keeps names usable", () => {
    expect(safeFilename("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(safeFilename("../../etc/passwd")).toBe(".._.._etc_passwd");
    expect(safeFilename("  ")).toBe("download");
    expect(safeFilename("..")).toBe("download");
    expect(safeFilename("\ud800broken")).toBe("\ufffdbroken");
    const long = safeFilename(`${"é".repeat(300)}.docx`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith(".docx")).toBe(true);
  });

  it("approximates non-Latin names in the fallback", () => {
    expect(contentDisposition("日本語 (1).txt")).toBe(
      `attachment; filename="___ (1).txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%20%281%29.txt`,
    );
    expect(contentDisposition("100% ﬁne.txt")).toContain(`filename="100_ fine.txt"`);
  });
});

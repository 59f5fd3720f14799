import { describe, expect, it } from "vitest";
import { baseContentType, inlineContentType, isTextType, previewKind } from "./preview-kind";

describe("previewKind", () => {
  it("recognises images, PDFs, media and text", () => {
    expect(previewKind("image/png")).toBe("image");
    expect(previewKind("IMAGE/JPEG; foo=bar")).toBe("image");
    expect(previewKind("application/pdf")).toBe("pdf");
    expect(previewKind("video/mp4")).toBe("video");
    expect(previewKind("audio/mpeg")).toBe("audio");
    expect(previewKind("text/csv")).toBe("text");
    expect(previewKind("text/markdown")).toBe("text");
    expect(previewKind("application/json")).toBe("text");
    expect(previewKind("application/ld+json")).toBe("text");
    expect(previewKind("application/zip")).toBe("none");
  });

  it("shows markup as source text, never as a rendered image or page", () => {
    expect(previewKind("image/svg+xml")).toBe("text");
    expect(previewKind("text/html")).toBe("text");
    expect(previewKind("application/xhtml+xml")).toBe("text");
  });

  it("falls back to the extension only for untyped uploads", () => {
    expect(isTextType("application/octet-stream", "notes.md")).toBe(true);
    expect(isTextType("", "data.csv")).toBe(true);
    expect(isTextType("application/octet-stream", "movie.mkv")).toBe(false);
    expect(isTextType("application/zip", "looks.txt")).toBe(false);
  });
});

describe("inlineContentType", () => {
  it("serves text-like files, markup included, as plain text", () => {
    for (const type of ["text/html", "image/svg+xml", "application/xml", "text/javascript"]) {
      expect(inlineContentType(type)).toBe("text/plain");
    }
  });

  it("keeps safe types and refuses the rest", () => {
    expect(inlineContentType("image/png")).toBe("image/png");
    expect(inlineContentType("application/pdf; x=1")).toBe("application/pdf");
    expect(inlineContentType("application/octet-stream", "a.bin")).toBeNull();
    expect(inlineContentType("application/x-msdownload")).toBeNull();
    expect(baseContentType("Text/Plain ; charset=x")).toBe("text/plain");
  });
});

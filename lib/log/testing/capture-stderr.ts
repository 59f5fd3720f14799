import { afterEach, beforeEach, vi } from "vitest";

// For tests that check what was logged: the logger writes errors to stderr as one JSON line each.
// Call at the top of a test file; `lines` holds each test's own writes.
export function captureStderr(): { lines: string[]; json: () => Record<string, unknown> } {
  const captured = { lines: [] as string[] };
  beforeEach(() => {
    captured.lines.length = 0;
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      captured.lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return {
    lines: captured.lines,
    json: () => JSON.parse(captured.lines.join("")) as Record<string, unknown>,
  };
}

import { redirect } from "next/navigation";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { captureStderr } from "@/lib/log/testing/capture-stderr";
import { session } from "@/lib/auth/testing/session-stub";
import { HttpError, UserFacingError } from "./errors";
import { firstIssue, formFields, publicAction, userAction } from "./action";

// The action front door itself, with stand-in bodies: what every server action gets.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const stderr = captureStderr();
beforeEach(() => {
  session.user = { id: "user-1" };
});

const schema = z.object({ name: z.string().trim().min(1, "Name it") });
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe("userAction", () => {
  const rename = userAction(
    { schema, input: formFields, invalid: "Not renamed." },
    async ({ name }, user) => ({ ok: true, message: `${user.id} → ${name}` }),
  );

  it("answers SESSION_ENDED without a session, before the body runs", async () => {
    session.user = null;
    const run = vi.fn(async () => ({ ok: true }));
    const action = userAction({ schema: z.unknown() }, run);
    expect(await action()).toEqual({
      ok: false,
      message: "Your session has ended. Sign in again.",
    });
    expect(run).not.toHaveBeenCalled();
  });

  it("hands the body parsed input and the user", async () => {
    expect(await rename({}, form({ name: "  Notes " }))).toEqual({
      ok: true,
      message: "user-1 → Notes",
    });
  });

  it("answers invalid input with the field errors, without running the body", async () => {
    expect(await rename({}, form({ name: " " }))).toEqual({
      ok: false,
      message: "Not renamed.",
      errors: { name: ["Name it"] },
    });
    const first = userAction({ schema, invalid: firstIssue("Bad.") }, async () => ({ ok: true }));
    expect(await first({ name: "" })).toEqual({
      ok: false,
      message: "Name it",
      errors: { name: ["Name it"] },
    });
  });

  it("shows a UserFacingError's message and an HttpError's field errors", async () => {
    const full = userAction({ schema: z.unknown() }, async () => {
      throw new UserFacingError("Your Drive is full.");
    });
    expect(await full()).toEqual({ ok: false, message: "Your Drive is full." });
    const taken = userAction({ schema: z.unknown() }, async () => {
      throw new HttpError(409, "Not saved.", { errors: { name: ["Taken"] } });
    });
    expect(await taken()).toEqual({
      ok: false,
      message: "Not saved.",
      errors: { name: ["Taken"] },
    });
    expect(stderr.lines).toEqual([]);
  });

  it("hides an unknown error behind a generic message with the request id, and logs it", async () => {
    const broken = userAction({ schema: z.unknown() }, async () => {
      throw new Error("Duplicate entry 'secret@example.com' for key 'User_email_key'");
    });
    const answer = await broken();
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(
      /^Something went wrong on our side\. Try again in a moment\. \(Request id: (\w+)\.\)$/,
    );
    expect(answer.message).not.toMatch(/secret|Duplicate/);
    const requestId = /Request id: (\w+)/.exec(answer.message ?? "")?.[1];
    const line = stderr.json();
    expect(line).toMatchObject({
      level: "error",
      msg: "action failed",
      requestId,
      error: { message: expect.stringContaining("secret@example.com") },
    });
  });

  it("lets redirect() through: it ends an action, it is not a failure", async () => {
    const go = userAction({ schema: z.unknown() }, async () => redirect("/drive"));
    await expect(go()).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
  });

  it("passes bound arguments to the input function", async () => {
    const update = userAction(
      {
        schema: z.object({ id: z.string(), name: z.string() }),
        input: (id: string, _prev: unknown, data: FormData) => ({ id, ...formFields(_prev, data) }),
      },
      async (input) => ({ ok: true, message: `${input.id}:${input.name}` }),
    );
    expect(await update("t1", {}, form({ name: "N" }))).toEqual({ ok: true, message: "t1:N" });
  });
});

describe("publicAction", () => {
  it("runs without a session, with the same parsing and error rule", async () => {
    session.user = null;
    const signUp = publicAction({ schema, input: formFields }, async ({ name }) => ({
      ok: true,
      message: name,
    }));
    expect(await signUp({}, form({ name: "Ada" }))).toEqual({ ok: true, message: "Ada" });
    expect(await signUp({}, form({}))).toMatchObject({
      ok: false,
      errors: { name: expect.any(Array) },
    });
  });
});

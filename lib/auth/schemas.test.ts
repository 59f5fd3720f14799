import { describe, expect, it } from "vitest";
import { changePasswordSchema, emailSchema, newPasswordSchema, nextPathSchema } from "./schemas";

describe("emailSchema", () => {
  it("trims and lower-cases", () => {
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });
  it.each(["", "ada", "ada@", "@example.com", "a b@example.com"])("rejects %j", (v) => {
    expect(emailSchema.safeParse(v).success).toBe(false);
  });
});

describe("newPasswordSchema", () => {
  it.each([
    ["short1", /Too short/],
    ["onlyletters-here", /Too weak/],
    ["1234567890123", /Too weak/],
    ["x1".repeat(65), /at most 128/],
  ])("rejects %j", (pw, message) => {
    const r = newPasswordSchema.safeParse(pw);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(message);
  });
  it("accepts ten characters with a letter and a digit", () => {
    expect(newPasswordSchema.safeParse("abcdefghi1").success).toBe(true);
    expect(newPasswordSchema.safeParse("pässwörter9").success).toBe(true);
  });
});

describe("changePasswordSchema", () => {
  it("requires the two new passwords to match", () => {
    const r = changePasswordSchema.safeParse({
      currentPassword: "old-password-1",
      newPassword: "new-password-1",
      confirmPassword: "new-password-2",
    });
    expect(r.error?.issues.map((i) => i.path[0])).toEqual(["confirmPassword"]);
  });
  it("requires the new password to differ from the current one", () => {
    const r = changePasswordSchema.safeParse({
      currentPassword: "same-password-1",
      newPassword: "same-password-1",
      confirmPassword: "same-password-1",
    });
    expect(r.error?.issues.map((i) => i.path[0])).toEqual(["newPassword"]);
  });
});

describe("nextPathSchema", () => {
  it.each([
    ["/profile", "/profile"],
    ["/drive?folder=1", "/drive?folder=1"],
    ["//evil.example", "/home"],
    ["https://evil.example", "/home"],
    ["/\\evil.example", "/home"],
    [undefined, "/home"],
  ])("%j -> %j", (input, expected) => {
    expect(nextPathSchema.parse(input)).toBe(expected);
  });
});

describe("one message per password problem", () => {
  it("says only 'too short' for a short weak password", () => {
    const r = newPasswordSchema.safeParse("abc");
    expect(r.error?.issues).toHaveLength(1);
  });
});

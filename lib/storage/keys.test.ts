import { describe, expect, it } from "vitest";
import { assertOwnedKey, ForeignKeyError, isOwnedKey, newObjectKey, userPrefix } from "./keys";

describe("storage keys", () => {
  it("are users/<userId>/<uuid> and unique", () => {
    const a = newObjectKey("cm9x1abc");
    expect(a).toMatch(
      /^users\/cm9x1abc\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(newObjectKey("cm9x1abc")).not.toBe(a);
    expect(userPrefix("cm9x1abc")).toBe("users/cm9x1abc/");
  });

  it("refuse user ids that could escape their folder", () => {
    for (const bad of ["", "a/b", "..", "a b", "ü", "x".repeat(65)]) {
      expect(() => newObjectKey(bad)).toThrow();
      expect(() => userPrefix(bad)).toThrow();
    }
  });

  it("belong to their user only", () => {
    const key = newObjectKey("alice");
    expect(isOwnedKey("alice", key)).toBe(true);
    expect(isOwnedKey("alice", `${key}/thumb.webp`)).toBe(true);
    expect(() => assertOwnedKey("alice", key)).not.toThrow();
    expect(() => assertOwnedKey("bob", key)).toThrow(ForeignKeyError);
  });

  it("reject look-alikes, traversal and odd characters", () => {
    const bad = [
      "users/alice",
      "users/alice/",
      "users/alicex/f",
      "users/ali/f",
      "Users/alice/f",
      "/users/alice/f",
      "users/alice//f",
      "users/alice/../bob/f",
      "users/alice/./f",
      "users/alice/.hidden",
      "users/alice/a b",
      "users/alice/a\nb",
      "users/alice/résumé",
      `users/alice/${"a".repeat(129)}`,
      "x/users/alice/f",
    ];
    for (const key of bad) expect(isOwnedKey("alice", key), key).toBe(false);
    expect(isOwnedKey("a/b", "users/a/b/f")).toBe(false);
  });
});

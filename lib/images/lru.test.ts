import { describe, expect, it } from "vitest";
import { ByteLru } from "./lru";

describe("ByteLru", () => {
  const lru = () => new ByteLru<Buffer>(100, (b) => b.length);

  it("evicts the least recently used entries once the bytes pass the budget", () => {
    const cache = lru();
    cache.set("a", Buffer.alloc(40));
    cache.set("b", Buffer.alloc(40));
    expect(cache.get("a")).toBeDefined(); // a is now the most recent
    cache.set("c", Buffer.alloc(40));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
    expect(cache.bytes).toBe(80);
  });

  it("replaces a key's value and keeps no value larger than the whole budget", () => {
    const cache = lru();
    cache.set("a", Buffer.alloc(40));
    cache.set("a", Buffer.alloc(10));
    expect(cache.bytes).toBe(10);
    cache.set("huge", Buffer.alloc(101));
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.get("a")?.length).toBe(10);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});

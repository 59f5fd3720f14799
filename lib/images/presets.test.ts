import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { defaultStep, DEFAULT_OUTPUT } from "./catalog";
import { MAX_PRESETS } from "./preset-schemas";
import { deletePreset, getPreset, listPresets, renamePreset, savePreset } from "./presets";

let alice = "";
let bob = "";
beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(() => removeUsers(alice, bob));

const chain = () => [defaultStep("grayscale"), defaultStep("blur", { sigma: 2 })];

describe("image presets", () => {
  it("saves a chain with its output options and lists it for its owner only", async () => {
    const saved = await savePreset(alice, {
      name: "  Moody  ",
      chain: chain(),
      output: DEFAULT_OUTPUT,
    });
    expect(saved).toMatchObject({ ok: true, preset: { name: "Moody" } });
    if (!saved.ok) throw new Error("not saved");
    expect(saved.preset.chain.map((s) => s.kind)).toEqual(["grayscale", "blur"]);
    expect(saved.preset.output).toEqual(DEFAULT_OUTPUT);

    expect((await listPresets(alice)).map((p) => p.name)).toContain("Moody");
    expect(await listPresets(bob)).toEqual([]);
    expect(await getPreset(bob, saved.preset.id)).toBeNull();
    expect(await getPreset(alice, saved.preset.id)).toMatchObject({ name: "Moody" });
  });

  it("keeps names unique per user, case-insensitively, and replaces only when asked", async () => {
    const first = await savePreset(alice, {
      name: "Sharp",
      chain: chain(),
      output: DEFAULT_OUTPUT,
    });
    expect(first.ok).toBe(true);
    const clash = await savePreset(alice, {
      name: "SHARP",
      chain: [defaultStep("invert")],
      output: DEFAULT_OUTPUT,
    });
    expect(clash).toMatchObject({ ok: false, reason: "name-taken" });
    // Another user may use the same name.
    expect(
      (await savePreset(bob, { name: "Sharp", chain: chain(), output: DEFAULT_OUTPUT })).ok,
    ).toBe(true);

    const replaced = await savePreset(alice, {
      name: "Sharp",
      chain: [defaultStep("invert")],
      output: { format: "png", quality: 80, keepMetadata: true },
      replace: true,
    });
    expect(replaced).toMatchObject({ ok: true, preset: { output: { format: "png" } } });
    if (!first.ok || !replaced.ok) throw new Error("unexpected");
    expect(replaced.preset.id).toBe(first.preset.id);
    expect(replaced.preset.chain.map((s) => s.kind)).toEqual(["invert"]);
  });

  it("refuses invalid chains, names and output options and stores nothing", async () => {
    const before = await db.imagePreset.count({ where: { ownerId: alice } });
    const cases: unknown[] = [
      { name: "", chain: chain(), output: DEFAULT_OUTPUT },
      { name: "x".repeat(101), chain: chain(), output: DEFAULT_OUTPUT },
      { name: "bad\u202Ename", chain: chain(), output: DEFAULT_OUTPUT },
      { name: "Empty", chain: [], output: DEFAULT_OUTPUT },
      { name: "Range", chain: [{ ...defaultStep("blur"), sigma: 1000 }], output: DEFAULT_OUTPUT },
      {
        name: "Unknown",
        chain: [{ id: "a", enabled: true, kind: "melt" }],
        output: DEFAULT_OUTPUT,
      },
      {
        name: "Long",
        chain: Array.from({ length: 41 }, () => defaultStep("invert")),
        output: DEFAULT_OUTPUT,
      },
      { name: "Format", chain: chain(), output: { format: "gif", quality: 80 } },
      { name: "Quality", chain: chain(), output: { format: "jpeg", quality: 0 } },
    ];
    for (const input of cases) {
      const result = await savePreset(alice, input as Parameters<typeof savePreset>[1]);
      expect(result, JSON.stringify(input).slice(0, 80)).toMatchObject({
        ok: false,
        reason: "invalid",
      });
    }
    expect(await db.imagePreset.count({ where: { ownerId: alice } })).toBe(before);
  });

  it("renames and deletes only the owner's presets", async () => {
    const saved = await savePreset(alice, {
      name: "Old name",
      chain: chain(),
      output: DEFAULT_OUTPUT,
    });
    if (!saved.ok) throw new Error("not saved");
    const id = saved.preset.id;

    expect(await renamePreset(bob, id, "Stolen")).toMatchObject({ ok: false, reason: "not-found" });
    expect(await deletePreset(bob, id)).toMatchObject({ ok: false });
    expect(await getPreset(alice, id)).toMatchObject({ name: "Old name" });

    expect(await renamePreset(alice, id, "moody")).toMatchObject({
      ok: false,
      reason: "name-taken",
    });
    expect(await renamePreset(alice, id, "   ")).toMatchObject({ ok: false, reason: "invalid" });
    expect(await renamePreset(alice, id, "New name")).toMatchObject({
      ok: true,
      preset: { name: "New name" },
    });
    expect(await deletePreset(alice, id)).toMatchObject({ ok: true });
    expect(await getPreset(alice, id)).toBeNull();
    expect(await deletePreset(alice, id)).toMatchObject({ ok: false });
  });

  it("reports a stored preset that no longer validates instead of applying it", async () => {
    const row = await db.imagePreset.create({
      data: { ownerId: alice, name: "From the past", chain: '[{"kind":"melt"}]', output: "{}" },
    });
    const preset = await getPreset(alice, row.id);
    expect(preset?.problem).toMatch(/older version/);
    expect(preset?.chain).toEqual([]);
  });

  it("caps the number of presets per user", async () => {
    const carol = await makeUser();
    try {
      await db.imagePreset.createMany({
        data: Array.from({ length: MAX_PRESETS }, (_, i) => ({
          ownerId: carol,
          name: `p${i}`,
          chain: "[]",
          output: "{}",
        })),
      });
      const result = await savePreset(carol, {
        name: "One more",
        chain: chain(),
        output: DEFAULT_OUTPUT,
      });
      expect(result).toMatchObject({ ok: false, reason: "too-many" });
    } finally {
      await removeUsers(carol);
    }
  });

  it("goes with its owner's account", async () => {
    const dave = await makeUser();
    await savePreset(dave, { name: "Mine", chain: chain(), output: DEFAULT_OUTPUT });
    await removeUsers(dave);
    expect(await db.imagePreset.count({ where: { ownerId: dave } })).toBe(0);
  });
});

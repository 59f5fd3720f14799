import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { deliverEmail } from "@/lib/email/deliver";
import type { EmailMessage } from "@/lib/email/schemas";
import { alertRuleFormSchema, MAX_ALERT_RULES, type AlertRuleInput } from "./alert-schemas";
import {
  createAlertRule,
  deleteAlertRule,
  evaluateAlerts,
  listAlertEvents,
  listAlertRules,
  updateAlertRule,
} from "./alerts";

// Alert rules on the real database: a spike and a sentiment drop fire once, write the history and
// a real mail (to a temporary outbox), rest through their cooldown, and belong to their owner.

const users: string[] = [];
let outbox: string;
beforeAll(async () => {
  outbox = await mkdtemp(path.join(tmpdir(), "pulse-alerts-"));
});
afterAll(async () => {
  await removeUsers(...users);
  await rm(outbox, { recursive: true, force: true });
});

const send = (m: EmailMessage) =>
  deliverEmail(m, { from: "Stratus <no-reply@localhost>", outboxDir: outbox }).then(() => {});

const MIN = 60_000;
// A fixed minute in the past, so nothing live lands in these windows.
const NOW = new Date(Date.UTC(2026, 9, 5, 12, 0, 0));
let seq = 0;

async function owner() {
  const id = await makeUser();
  users.push(id);
  return id;
}

async function tracker(ownerId: string) {
  const t = await db.pulseTracker.create({
    data: {
      ownerId,
      name: `Alerts ${++seq}`,
      keywords: ["x"],
      hashtags: [],
      languages: [],
      sources: ["replay"],
      scorer: "wink",
      status: "active",
    },
  });
  return t.id;
}

type Minute = { count: number; positive?: number; negative?: number; neutral?: number };

/** Per-minute aggregates as the consumer writes them, `minutesAgo` before NOW. */
async function minutes(trackerId: string, rows: [minutesAgo: number, m: Minute][]) {
  await db.pulseAggregate.createMany({
    data: rows.map(([ago, m]) => ({
      trackerId,
      minute: new Date(NOW.getTime() - ago * MIN),
      count: m.count,
      positive: m.positive ?? 0,
      negative: m.negative ?? 0,
      neutral: m.neutral ?? m.count - (m.positive ?? 0) - (m.negative ?? 0),
      unscored: 0,
      scoreSum: 0,
      updatedAt: NOW,
    })),
  });
}

const rule = (over: Partial<AlertRuleInput> = {}): AlertRuleInput => ({
  kind: "spike",
  threshold: 3,
  windowMinutes: 10,
  baselineMinutes: 60,
  minPosts: 20,
  cooldownMinutes: 30,
  enabled: true,
  ...over,
});

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function mails(subjectPart: string) {
  const out: string[] = [];
  for (const f of await readdir(outbox)) {
    const text = await readFile(path.join(outbox, f), "utf8");
    if (text.includes(subjectPart)) out.push(text);
  }
  return out;
}

describe("volume spike", () => {
  it("fires once at 3× the usual volume, mails the owner, and rests for its cooldown", async () => {
    const me = await owner();
    const t = await tracker(me);
    // Baseline: 60 minutes of 2 posts (20 per 10-minute window); window: 10 minutes of 7 (70).
    await minutes(t, [
      ...range(11, 71).map((ago): [number, Minute] => [ago, { count: 2 }]),
      ...range(1, 11).map((ago): [number, Minute] => [ago, { count: 7 }]),
    ]);
    const created = await createAlertRule(me, t, rule());
    if (!created.ok) throw new Error(created.message);

    await evaluateAlerts(NOW, send);
    const events = await listAlertEvents(me, t);
    expect(events).toEqual([
      expect.objectContaining({
        ruleId: created.id,
        kind: "spike",
        value: 70,
        baseline: 20,
        emailed: true,
        message: "70 posts in the last 10 min, against 20 usually.",
      }),
    ]);
    const [mail, ...more] = await mails(`Alerts ${seq} =E2=80=94 volume spike`).then((m) =>
      m.length ? m : mails(`Alerts ${seq}`),
    );
    expect(more).toEqual([]);
    expect(mail).toContain(`To: ${me}@drive.test`);
    expect(mail).toContain(`/pulse/${t}`);

    // Still spiking 10 minutes later, but inside the 30-minute cooldown: nothing more.
    await minutes(
      t,
      range(-10, 0).map((ago): [number, Minute] => [ago, { count: 9 }]),
    );
    await evaluateAlerts(new Date(NOW.getTime() + 10 * MIN), send);
    expect(await listAlertEvents(me, t)).toHaveLength(1);
    // After it, a spike on top of that (400 posts against ~103 usually) fires again.
    await minutes(
      t,
      range(-31, -10).map((ago): [number, Minute] => [ago, { count: 40 }]),
    );
    await evaluateAlerts(new Date(NOW.getTime() + 31 * MIN), send);
    expect(await listAlertEvents(me, t)).toHaveLength(2);
  });

  it("stays quiet below the threshold or below the minimum of posts", async () => {
    const me = await owner();
    const t = await tracker(me);
    await minutes(t, [
      ...range(11, 71).map((ago): [number, Minute] => [ago, { count: 2 }]),
      ...range(1, 11).map((ago): [number, Minute] => [ago, { count: 5 }]), // 50 < 3 × 20
    ]);
    const under = await createAlertRule(me, t, rule());
    const quiet = await createAlertRule(me, t, rule({ threshold: 2, minPosts: 51 }));
    expect(under.ok && quiet.ok).toBe(true);
    await evaluateAlerts(NOW, send);
    expect(await listAlertEvents(me, t)).toEqual([]);
    // Lowered to 2×, the first fires.
    if (!under.ok) throw new Error("not created");
    expect(await updateAlertRule(me, under.id, rule({ threshold: 2 }))).toEqual({
      ok: true,
      id: under.id,
    });
    await evaluateAlerts(NOW, send);
    expect((await listAlertEvents(me, t)).map((e) => e.ruleId)).toEqual([under.id]);
  });
});

describe("sentiment drop", () => {
  it("fires when net sentiment falls the threshold in points, not before", async () => {
    const me = await owner();
    const t = await tracker(me);
    // Baseline net +40 (6 pos, 2 neg of 10 a minute); window net −20 (2 pos, 4 neg of 10).
    await minutes(t, [
      ...range(16, 76).map((ago): [number, Minute] => [
        ago,
        { count: 10, positive: 6, negative: 2 },
      ]),
      ...range(1, 16).map((ago): [number, Minute] => [
        ago,
        { count: 10, positive: 2, negative: 4 },
      ]),
    ]);
    const strict = await createAlertRule(
      me,
      t,
      rule({ kind: "drop", threshold: 61, windowMinutes: 15, baselineMinutes: 60 }),
    );
    const fair = await createAlertRule(
      me,
      t,
      rule({ kind: "drop", threshold: 60, windowMinutes: 15, baselineMinutes: 60 }),
    );
    if (!strict.ok || !fair.ok) throw new Error("not created");
    await evaluateAlerts(NOW, send);
    expect(await listAlertEvents(me, t)).toEqual([
      expect.objectContaining({
        ruleId: fair.id,
        kind: "drop",
        value: -20,
        baseline: 40,
        posts: 150,
      }),
    ]);
  });
});

describe("ownership and bounds", () => {
  it("keeps a rule to its owner and bounds the rules per user", async () => {
    const me = await owner();
    const other = await owner();
    const t = await tracker(me);
    expect(await createAlertRule(other, t, rule())).toEqual({
      ok: false,
      message: "That tracker no longer exists.",
    });
    const mine = await createAlertRule(me, t, rule());
    if (!mine.ok) throw new Error(mine.message);
    expect((await updateAlertRule(other, mine.id, rule({ threshold: 9 }))).ok).toBe(false);
    expect(await deleteAlertRule(other, mine.id)).toBe(false);
    expect(await listAlertRules(other, t)).toEqual([]);
    expect((await listAlertRules(me, t))[0]?.threshold).toBe(3);

    for (let i = 1; i < MAX_ALERT_RULES; i++) await createAlertRule(me, t, rule());
    expect(await createAlertRule(me, await tracker(me), rule())).toEqual({
      ok: false,
      message: `You can have at most ${MAX_ALERT_RULES} alert rules; delete one first.`,
    });
    expect(await deleteAlertRule(me, mine.id)).toBe(true);
    expect((await createAlertRule(me, t, rule())).ok).toBe(true);
  });

  it("says every problem of the form at once", () => {
    const r = alertRuleFormSchema.safeParse({
      kind: "spike",
      threshold: "1",
      windowMinutes: "60",
      baselineMinutes: "90",
      minPosts: "0",
      cooldownMinutes: "1",
    });
    expect(Object.fromEntries(r.error?.issues.map((i) => [i.path[0], i.message]) ?? [])).toEqual({
      threshold: "A spike is 1.1 to 1,000 times the usual volume",
      baselineMinutes: "Compare with at least twice the window",
      minPosts: "At least 1 posts",
      cooldownMinutes: "At least 5 minutes",
    });
  });
});

import "server-only";
import { db } from "@/lib/db/client";
import { queueEmail, type SendMail } from "@/lib/email/queue";
import { serverEnv } from "@/lib/env";
import { logger } from "@/lib/log/logger";
import {
  ALERT_KINDS,
  alertRuleIdSchema,
  MAX_ALERT_EVENTS,
  MAX_ALERT_RULES,
  type AlertEventDto,
  type AlertKind,
  type AlertRuleDto,
  type AlertRuleInput,
} from "./alert-schemas";
import { trackerIdSchema } from "./schemas";

// Alert rules on a tracker's per-minute aggregates, evaluated every minute by the pulse-alerts
// function (inngest/functions/pulse-alerts.ts) — not by the consumer: the aggregates it already
// writes say everything a rule needs, so evaluating costs a few small reads per rule per minute
// whatever the post rate, and the consumer's hot path stays as it is.
//
// spike: posts in the last windowMinutes ≥ threshold × the average window of the baseline (the
//   baselineMinutes before the window; an empty baseline counts as one post per window).
// drop: net sentiment (positive − negative, in % of scored posts) of the window is threshold
//   points below the baseline's; both need minPosts scored posts.
// A rule that fires rests for cooldownMinutes: the claim is one conditional UPDATE, so two
// evaluations running at once (a retry, a second worker) cannot both fire it.

type RuleRow = {
  id: string;
  trackerId: string;
  kind: string;
  threshold: number;
  windowMinutes: number;
  baselineMinutes: number;
  minPosts: number;
  cooldownMinutes: number;
  enabled: boolean;
  lastFiredAt: Date | null;
};

const ruleSelect = {
  id: true,
  trackerId: true,
  kind: true,
  threshold: true,
  windowMinutes: true,
  baselineMinutes: true,
  minPosts: true,
  cooldownMinutes: true,
  enabled: true,
  lastFiredAt: true,
} as const;

const kindOf = (k: string): AlertKind =>
  (ALERT_KINDS as readonly string[]).includes(k) ? (k as AlertKind) : "spike";

const toDto = (r: RuleRow): AlertRuleDto => ({
  ...r,
  kind: kindOf(r.kind),
  lastFiredAt: r.lastFiredAt?.toISOString() ?? null,
});

export type AlertResult = { ok: true; id: string } | { ok: false; message: string };

export const ALERT_RULE_GONE = "That alert rule no longer exists.";

export async function listAlertRules(ownerId: string, trackerId: string): Promise<AlertRuleDto[]> {
  const rows = await db.pulseAlertRule.findMany({
    where: { trackerId, tracker: { ownerId } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: MAX_ALERT_RULES,
    select: ruleSelect,
  });
  return rows.map(toDto);
}

export async function createAlertRule(
  ownerId: string,
  trackerId: string,
  input: AlertRuleInput,
): Promise<AlertResult> {
  const id = trackerIdSchema.safeParse(trackerId);
  if (!id.success || !(await db.pulseTracker.count({ where: { id: id.data, ownerId } })))
    return { ok: false, message: "That tracker no longer exists." };
  if ((await db.pulseAlertRule.count({ where: { tracker: { ownerId } } })) >= MAX_ALERT_RULES)
    return {
      ok: false,
      message: `You can have at most ${MAX_ALERT_RULES} alert rules; delete one first.`,
    };
  const row = await db.pulseAlertRule.create({
    data: { trackerId: id.data, ...input },
    select: { id: true },
  });
  return { ok: true, id: row.id };
}

export async function updateAlertRule(
  ownerId: string,
  ruleId: string,
  input: AlertRuleInput,
): Promise<AlertResult> {
  const id = alertRuleIdSchema.safeParse(ruleId);
  if (!id.success) return { ok: false, message: ALERT_RULE_GONE };
  const { count } = await db.pulseAlertRule.updateMany({
    where: { id: id.data, tracker: { ownerId } },
    data: input,
  });
  return count === 1 ? { ok: true, id: id.data } : { ok: false, message: ALERT_RULE_GONE };
}

export async function deleteAlertRule(ownerId: string, ruleId: string): Promise<boolean> {
  const id = alertRuleIdSchema.safeParse(ruleId);
  if (!id.success) return false;
  const { count } = await db.pulseAlertRule.deleteMany({
    where: { id: id.data, tracker: { ownerId } },
  });
  return count === 1;
}

export async function listAlertEvents(
  ownerId: string,
  trackerId: string,
  take = 50,
): Promise<AlertEventDto[]> {
  const rows = await db.pulseAlertEvent.findMany({
    where: { rule: { trackerId, tracker: { ownerId } } },
    orderBy: [{ firedAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      ruleId: true,
      firedAt: true,
      value: true,
      baseline: true,
      posts: true,
      message: true,
      emailed: true,
      rule: { select: { kind: true } },
    },
  });
  return rows.map(({ rule, ...e }) => ({
    ...e,
    id: String(e.id),
    kind: kindOf(rule.kind),
    firedAt: e.firedAt.toISOString(),
  }));
}

type Totals = { count: number; positive: number; negative: number; neutral: number };

async function totals(trackerId: string, from: Date, to: Date): Promise<Totals> {
  const r = await db.pulseAggregate.aggregate({
    where: { trackerId, minute: { gte: from, lt: to } },
    _sum: { count: true, positive: true, negative: true, neutral: true },
  });
  return {
    count: r._sum.count ?? 0,
    positive: r._sum.positive ?? 0,
    negative: r._sum.negative ?? 0,
    neutral: r._sum.neutral ?? 0,
  };
}

const scored = (t: Totals) => t.positive + t.negative + t.neutral;
const net = (t: Totals) => (scored(t) ? ((t.positive - t.negative) / scored(t)) * 100 : 0);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export type Measurement = { fires: boolean; value: number; baseline: number; posts: number };

/** What a rule sees at `now`: the window [now − window, now) against the baseline before it. */
export async function measureRule(rule: RuleRow, now: Date): Promise<Measurement> {
  const end = now.getTime();
  const windowStart = new Date(end - rule.windowMinutes * 60_000);
  const baseStart = new Date(windowStart.getTime() - rule.baselineMinutes * 60_000);
  const [win, base] = await Promise.all([
    totals(rule.trackerId, windowStart, new Date(end)),
    totals(rule.trackerId, baseStart, windowStart),
  ]);
  if (kindOf(rule.kind) === "spike") {
    const perWindow = (base.count * rule.windowMinutes) / rule.baselineMinutes;
    const usual = Math.max(perWindow, 1);
    return {
      fires: win.count >= rule.minPosts && win.count >= rule.threshold * usual,
      value: win.count,
      baseline: round(perWindow),
      posts: win.count,
    };
  }
  const enough = scored(win) >= rule.minPosts && scored(base) >= rule.minPosts;
  return {
    fires: enough && net(base) - net(win) >= rule.threshold,
    value: round(net(win)),
    baseline: round(net(base)),
    posts: scored(win),
  };
}

function appUrl(path: string): string {
  return new URL(path, serverEnv().NEXTAUTH_URL ?? "http://localhost:3000").toString();
}

function alertText(kind: AlertKind, m: Measurement, windowMinutes: number): string {
  return kind === "spike"
    ? `${m.value.toLocaleString("en")} posts in the last ${windowMinutes} min, against ${m.baseline.toLocaleString("en")} usually.`
    : `Net sentiment ${m.value > 0 ? "+" : ""}${m.value} over the last ${windowMinutes} min (${m.posts.toLocaleString("en")} scored posts), against ${m.baseline > 0 ? "+" : ""}${m.baseline} usually.`;
}

export type EvaluationSummary = { rules: number; fired: number };

/**
 * Evaluates every enabled rule at `now`; fires (records, mails) those whose condition holds and
 * whose cooldown is over. `send` is the mail queue (tests hand in the outbox writer).
 */
export async function evaluateAlerts(
  now: Date = new Date(),
  send: SendMail = queueEmail,
): Promise<EvaluationSummary> {
  const rules = await db.pulseAlertRule.findMany({
    where: { enabled: true },
    select: {
      ...ruleSelect,
      tracker: { select: { name: true, owner: { select: { email: true } } } },
    },
  });
  let fired = 0;
  for (const rule of rules) {
    try {
      if (
        rule.lastFiredAt &&
        now.getTime() - rule.lastFiredAt.getTime() < rule.cooldownMinutes * 60_000
      )
        continue;
      const m = await measureRule(rule, now);
      if (!m.fires) continue;
      if (!(await claim(rule, now))) continue;
      fired++;
      await fire(rule, m, now, send);
    } catch (error) {
      logger.error("pulse alerts: cannot evaluate a rule", {
        ruleId: rule.id,
        error: (error as Error).message,
      });
    }
  }
  return { rules: rules.length, fired };
}

// The cooldown as one conditional write: only one evaluation wins the right to fire.
async function claim(rule: RuleRow, now: Date): Promise<boolean> {
  const restedSince = new Date(now.getTime() - rule.cooldownMinutes * 60_000);
  const { count } = await db.pulseAlertRule.updateMany({
    where: {
      id: rule.id,
      enabled: true,
      OR: [{ lastFiredAt: null }, { lastFiredAt: { lte: restedSince } }],
    },
    data: { lastFiredAt: now },
  });
  return count === 1;
}

async function fire(
  rule: RuleRow & { tracker: { name: string; owner: { email: string } } },
  m: Measurement,
  now: Date,
  send: SendMail,
) {
  const kind = kindOf(rule.kind);
  const message = alertText(kind, m, rule.windowMinutes);
  const event = await db.pulseAlertEvent.create({
    data: {
      ruleId: rule.id,
      firedAt: now,
      value: m.value,
      baseline: m.baseline,
      posts: m.posts,
      message: message.slice(0, 500),
    },
    select: { id: true },
  });
  // The history is bounded per rule: the oldest beyond MAX_ALERT_EVENTS go.
  const keep = await db.pulseAlertEvent.findMany({
    where: { ruleId: rule.id },
    orderBy: { id: "desc" },
    skip: MAX_ALERT_EVENTS - 1,
    take: 1,
    select: { id: true },
  });
  if (keep[0])
    await db.pulseAlertEvent.deleteMany({ where: { ruleId: rule.id, id: { lt: keep[0].id } } });
  const title = kind === "spike" ? "volume spike" : "sentiment drop";
  try {
    await send({
      to: rule.tracker.owner.email,
      purpose: "notification",
      subject: `Pulse alert: ${rule.tracker.name} — ${title}`,
      text: [
        `Your Pulse tracker “${rule.tracker.name}” has a ${title}.`,
        "",
        message,
        "",
        `The dashboard: ${appUrl(`/pulse/${rule.trackerId}`)}`,
        `This rule stays quiet for ${rule.cooldownMinutes} min now. Change or delete it: ${appUrl(`/pulse/${rule.trackerId}/alerts`)}`,
      ].join("\n"),
    });
    await db.pulseAlertEvent.update({ where: { id: event.id }, data: { emailed: true } });
  } catch (error) {
    logger.error("pulse alerts: cannot queue the e-mail", {
      ruleId: rule.id,
      error: (error as Error).message,
    });
  }
}

/** The user's rules over all trackers (the form says when MAX_ALERT_RULES is reached). */
export function countAlertRules(ownerId: string): Promise<number> {
  return db.pulseAlertRule.count({ where: { tracker: { ownerId } } });
}

import { z } from "zod";

// What the alert form sends and what the browser sees of a rule and its history.

export const ALERT_KINDS = ["spike", "drop"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Rules per user, over all their trackers: each is evaluated every minute. */
export const MAX_ALERT_RULES = 20;
/** Fired alerts kept per rule (the oldest go first). */
export const MAX_ALERT_EVENTS = 100;

const int = (what: string, min: number, max: number) =>
  z.coerce
    .number(`Enter a number of ${what}`)
    .int(`Enter a whole number of ${what}`)
    .min(min, `At least ${min.toLocaleString("en")} ${what}`)
    .max(max, `At most ${max.toLocaleString("en")} ${what}`);

export const alertRuleFormSchema = z
  .object({
    kind: z.enum(ALERT_KINDS, "Pick what to watch for"),
    threshold: z.coerce.number("Enter a number").finite("Enter a number"),
    windowMinutes: int("minutes", 5, 1_440),
    baselineMinutes: int("minutes", 30, 10_080),
    minPosts: int("posts", 1, 1_000_000),
    cooldownMinutes: int("minutes", 5, 10_080),
    enabled: z
      .union([z.literal("on"), z.literal("off"), z.boolean()])
      .optional()
      .transform((v) => v === true || v === "on"),
  })
  // Every problem at once, cross-field ones too.
  .superRefine(
    (v, ctx) => {
      const t = Number(v.threshold);
      if (v.kind === "spike" && !(t >= 1.1 && t <= 1_000))
        ctx.addIssue({
          code: "custom",
          path: ["threshold"],
          message: "A spike is 1.1 to 1,000 times the usual volume",
        });
      if (v.kind === "drop" && !(t >= 1 && t <= 200))
        ctx.addIssue({
          code: "custom",
          path: ["threshold"],
          message: "A drop is 1 to 200 points of net sentiment",
        });
      const w = Number(v.windowMinutes);
      const b = Number(v.baselineMinutes);
      if (Number.isFinite(w) && Number.isFinite(b) && b < 2 * w)
        ctx.addIssue({
          code: "custom",
          path: ["baselineMinutes"],
          message: "Compare with at least twice the window",
        });
    },
    { when: () => true },
  );
export type AlertRuleInput = z.infer<typeof alertRuleFormSchema>;

export const alertRuleIdSchema = z
  .string()
  .min(1)
  .max(30)
  .regex(/^[a-z0-9]+$/i, "Not an alert rule");

export type AlertRuleDto = {
  id: string;
  trackerId: string;
  kind: AlertKind;
  threshold: number;
  windowMinutes: number;
  baselineMinutes: number;
  minPosts: number;
  cooldownMinutes: number;
  enabled: boolean;
  lastFiredAt: string | null;
};

export type AlertEventDto = {
  id: string;
  ruleId: string;
  kind: AlertKind;
  firedAt: string;
  value: number;
  baseline: number;
  posts: number;
  message: string;
  emailed: boolean;
};

/** "Volume ≥ 3× the last 6 h, over 15 min" — the rule in one line. */
export function describeRule(r: Omit<AlertRuleDto, "id" | "trackerId" | "lastFiredAt">): string {
  const span = (m: number) =>
    m % 1_440 === 0 ? `${m / 1_440} d` : m % 60 === 0 ? `${m / 60} h` : `${m} min`;
  const what =
    r.kind === "spike"
      ? `Volume at ${r.threshold}× the usual`
      : `Net sentiment ${r.threshold} points below the usual`;
  return `${what}, over ${span(r.windowMinutes)} against the ${span(r.baselineMinutes)} before (at least ${r.minPosts} posts; then quiet for ${span(r.cooldownMinutes)})`;
}

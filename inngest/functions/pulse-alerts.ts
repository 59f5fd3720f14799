import { inngest } from "@/lib/events/client";
import { evaluateAlerts } from "@/lib/pulse/alerts";

// Pulse alert rules, every minute (lib/pulse/alerts.ts). A retry re-evaluates; the cooldown's
// conditional claim keeps a rule from firing twice for the same spike.
export const pulseAlerts = inngest.createFunction(
  { id: "pulse-alerts", retries: 2, triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => step.run("evaluate", () => evaluateAlerts()),
);

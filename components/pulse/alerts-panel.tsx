"use client";

import { Bell, BellOff, Mail, Pencil, Plus, Trash2, TrendingDown, TrendingUp } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useState, useTransition, type FormEvent } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import type { FormState } from "@/lib/forms";
import { deleteAlertRuleAction, saveAlertRuleAction } from "@/lib/pulse/alert-actions";
import {
  describeRule,
  MAX_ALERT_RULES,
  type AlertEventDto,
  type AlertKind,
  type AlertRuleDto,
} from "@/lib/pulse/alert-schemas";

// A tracker's alert rules (add, edit, delete, switch off) and the alerts they fired. Rules are
// evaluated every minute in the background; a fired alert is mailed to the owner.

const WINDOWS = [5, 10, 15, 30, 60, 180, 360, 1_440];
const BASELINES = [30, 60, 180, 360, 720, 1_440, 4_320, 10_080];
const COOLDOWNS = [5, 15, 30, 60, 180, 360, 1_440];

const span = (m: number) =>
  m % 1_440 === 0
    ? `${m / 1_440} day${m === 1_440 ? "" : "s"}`
    : m % 60 === 0
      ? `${m / 60} hour${m === 60 ? "" : "s"}`
      : `${m} minutes`;

function MinutesSelect({
  prefix,
  name,
  label,
  values,
  value,
  errors,
}: {
  prefix: string;
  name: string;
  label: string;
  values: number[];
  value: number;
  errors?: string[];
}) {
  const options = values.includes(value) ? values : [...values, value].sort((a, b) => a - b);
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={`${prefix}-${name}`}>{label}</Label>
      <Select
        id={`${prefix}-${name}`}
        name={name}
        defaultValue={String(value)}
        className="w-full"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${prefix}-${name}-error` : undefined}
      >
        {options.map((m) => (
          <option key={m} value={m}>
            {span(m)}
          </option>
        ))}
      </Select>
      {errors?.length ? (
        <p id={`${prefix}-${name}-error`} className="text-xs text-destructive">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

const DEFAULTS: Omit<AlertRuleDto, "id" | "trackerId" | "lastFiredAt"> = {
  kind: "spike",
  threshold: 3,
  windowMinutes: 15,
  baselineMinutes: 360,
  minPosts: 20,
  cooldownMinutes: 60,
  enabled: true,
};

function RuleForm({
  trackerId,
  rule,
  onDone,
}: {
  trackerId: string;
  rule?: AlertRuleDto;
  onDone: () => void;
}) {
  const action = saveAlertRuleAction.bind(null, {
    trackerId,
    ...(rule ? { ruleId: rule.id } : {}),
  });
  const [state, formAction, pending] = useActionState<FormState, FormData>(async (prev, data) => {
    const next = await action(prev, data);
    if (next.ok) onDone();
    return next;
  }, {});
  const initial = rule ?? DEFAULTS;
  const [kind, setKind] = useState<AlertKind>(initial.kind);
  const e = state.errors ?? {};
  const prefix = rule ? `rule-${rule.id}` : "new-rule";

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-4"
      aria-label={rule ? "Edit alert rule" : "New alert rule"}
    >
      {state.message && !state.ok && <Alert variant="error">{state.message}</Alert>}
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Alert me on</legend>
        <div className="flex flex-wrap gap-4">
          {(
            [
              ["spike", "A volume spike"],
              ["drop", "A sentiment drop"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="kind"
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
                className="accent-[var(--primary)]"
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {/* Each field spans four rows of the form's grid (label, control, hint, error) as a
          subgrid, so controls line up across a row even where one label wraps or has a hint. */}
      <div className="grid gap-4 sm:grid-cols-3 sm:*:row-span-4 sm:*:grid-rows-subgrid sm:*:gap-y-1.5">
        <FormField
          id={`${prefix}-threshold`}
          name="threshold"
          label={kind === "spike" ? "Times the usual volume" : "Points of net sentiment"}
          type="number"
          step={kind === "spike" ? 0.1 : 1}
          min={kind === "spike" ? 1.1 : 1}
          defaultValue={rule ? rule.threshold : kind === "spike" ? DEFAULTS.threshold : 20}
          key={kind}
          hint={
            kind === "spike"
              ? "3 = three times as many posts as usual."
              : "Net sentiment is % positive − % negative; 20 = it falls 20 points."
          }
          errors={e.threshold}
        />
        <MinutesSelect
          prefix={prefix}
          name="windowMinutes"
          label="Over the last"
          values={WINDOWS}
          value={initial.windowMinutes}
          errors={e.windowMinutes}
        />
        <MinutesSelect
          prefix={prefix}
          name="baselineMinutes"
          label="Compared with the"
          values={BASELINES}
          value={initial.baselineMinutes}
          errors={e.baselineMinutes}
        />
        <FormField
          id={`${prefix}-minPosts`}
          name="minPosts"
          label="Only with at least (posts)"
          type="number"
          min={1}
          defaultValue={initial.minPosts}
          hint="Keeps a quiet tracker from alerting on a handful of posts."
          errors={e.minPosts}
        />
        <MinutesSelect
          prefix={prefix}
          name="cooldownMinutes"
          label="Then stay quiet for"
          values={COOLDOWNS}
          value={initial.cooldownMinutes}
          errors={e.cooldownMinutes}
        />
        <div className="grid">
          {/* The label row, so the box sits on the controls' row. */}
          <span className="hidden sm:block" aria-hidden />
          <label className="flex items-center gap-2 self-center text-sm">
            <input
              type="checkbox"
              name="enabled"
              defaultChecked={initial.enabled}
              className="size-4 accent-[var(--primary)]"
            />
            Enabled
          </label>
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : rule ? "Save rule" : "Add rule"}
        </Button>
        {rule && (
          <Button type="button" variant="outline" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

function RuleRow({ trackerId, rule }: { trackerId: string; rule: AlertRuleDto }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);

  function remove() {
    if (!window.confirm("Delete this alert rule and its history?")) return;
    start(async () => {
      const result = await deleteAlertRuleAction({ trackerId, ruleId: rule.id });
      setMessage(result.ok ? null : (result.message ?? "Could not delete."));
      router.refresh();
    });
  }

  const Icon = rule.kind === "spike" ? TrendingUp : TrendingDown;
  return (
    <li className="grid gap-3 rounded-md border p-3" data-testid="alert-rule">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex min-w-0 items-start gap-2">
          <Icon className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden />
          <div className="min-w-0">
            <p className="text-sm">{describeRule(rule)}</p>
            <p className="text-xs text-muted-foreground">
              {rule.enabled ? (
                <span className="inline-flex items-center gap-1">
                  <Bell className="size-3" aria-hidden /> On
                </span>
              ) : (
                <span className="inline-flex items-center gap-1">
                  <BellOff className="size-3" aria-hidden /> Off
                </span>
              )}
              {" · "}
              {rule.lastFiredAt
                ? `last fired ${new Date(rule.lastFiredAt).toLocaleString()}`
                : "not fired yet"}
            </p>
          </div>
        </div>
        <div className="flex shrink-0 gap-2">
          <Button variant="outline" size="sm" onClick={() => setEditing((v) => !v)}>
            <Pencil aria-hidden /> Edit
          </Button>
          <Button variant="outline" size="sm" onClick={remove} disabled={pending}>
            <Trash2 aria-hidden /> Delete
          </Button>
        </div>
      </div>
      {message && (
        <p role="alert" className="text-sm text-destructive">
          {message}
        </p>
      )}
      {editing && (
        <RuleForm
          trackerId={trackerId}
          rule={rule}
          onDone={() => {
            setEditing(false);
            router.refresh();
          }}
        />
      )}
    </li>
  );
}

export function AlertsPanel({
  trackerId,
  rules,
  events,
  userRuleCount,
}: {
  trackerId: string;
  rules: AlertRuleDto[];
  events: AlertEventDto[];
  userRuleCount: number;
}) {
  const router = useRouter();
  // A new key empties the form after a rule was added.
  const [formKey, setFormKey] = useState(0);
  const [added, setAdded] = useState(false);
  const full = userRuleCount >= MAX_ALERT_RULES;

  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <Card>
        <CardHeader>
          <CardTitle>Rules</CardTitle>
          <CardDescription>
            Checked every minute. A rule that fires e-mails you, then stays quiet for its cooldown.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5">
          {rules.length === 0 ? (
            <p className="text-sm text-muted-foreground" data-testid="alerts-empty">
              No alert rules yet. Add one below.
            </p>
          ) : (
            <ul className="grid gap-3">
              {rules.map((r) => (
                <RuleRow
                  key={`${r.id}-${r.threshold}-${r.enabled}`}
                  trackerId={trackerId}
                  rule={r}
                />
              ))}
            </ul>
          )}
          <div className="grid gap-3 border-t pt-5">
            <h3 className="flex items-center gap-2 text-sm font-semibold">
              <Plus className="size-4" aria-hidden /> New rule
            </h3>
            {added && <Alert variant="success">Alert rule added.</Alert>}
            {full ? (
              <p className="text-sm text-muted-foreground">
                You have {MAX_ALERT_RULES} alert rules, the most an account can have. Delete one to
                add another.
              </p>
            ) : (
              <RuleForm
                key={formKey}
                trackerId={trackerId}
                onDone={() => {
                  setFormKey((k) => k + 1);
                  setAdded(true);
                  router.refresh();
                }}
              />
            )}
          </div>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Fired alerts</CardTitle>
          <CardDescription>The latest 50, newest first.</CardDescription>
        </CardHeader>
        <CardContent>
          {events.length === 0 ? (
            <p className="text-sm text-muted-foreground" data-testid="alert-history-empty">
              Nothing has fired yet.
            </p>
          ) : (
            <ol className="grid gap-3" data-testid="alert-history">
              {events.map((e) => (
                <li key={e.id} className="grid gap-0.5 border-b pb-3 last:border-0 last:pb-0">
                  <p className="flex flex-wrap items-center gap-x-2 text-sm font-medium">
                    {e.kind === "spike" ? "Volume spike" : "Sentiment drop"}
                    <time
                      className="text-xs font-normal text-muted-foreground"
                      dateTime={e.firedAt}
                    >
                      {new Date(e.firedAt).toLocaleString()}
                    </time>
                  </p>
                  <p className="text-sm text-muted-foreground">{e.message}</p>
                  <p className="inline-flex items-center gap-1 text-xs text-muted-foreground">
                    <Mail className="size-3" aria-hidden />
                    {e.emailed ? "E-mailed" : "Not e-mailed (see the server log)"}
                  </p>
                </li>
              ))}
            </ol>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

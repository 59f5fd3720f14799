"use client";

import { useId, useState } from "react";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { stepInfo, type NumberParam } from "@/lib/images/catalog";
import type { ChainStep } from "@/lib/images/chain";
import { cn } from "@/lib/utils";

// The settings of one step: a slider with a number box for each number, selects for choices,
// colour pickers and text boxes, as the catalog describes them. Every change goes up with a
// `group` naming the setting, so a slider drag becomes one undo step.

type Values = Record<string, unknown>;
export type StepChange = (step: ChainStep, group?: string) => void;

/** Fractions (unit "%") are edited as percentages. */
function scale(param: NumberParam): number {
  return param.unit === "%" ? 100 : 1;
}

function decimals(step: number): number {
  const s = String(step);
  return s.includes(".") ? (s.split(".")[1]?.length ?? 0) : 0;
}

/**
 * A number box that lets the user type freely ("0." on the way to "0.5") and passes on only
 * numbers in range; on blur it shows the value in effect again.
 */
function NumberBox({
  id,
  min,
  max,
  step,
  value,
  nullable,
  onCommit,
}: {
  id: string;
  min: number;
  max: number;
  step: number;
  value: number | null;
  nullable?: boolean;
  onCommit: (value: number | null) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <Input
      id={id}
      type="number"
      inputMode="decimal"
      className="h-7 w-20 px-1.5 text-right text-xs tabular-nums"
      min={min}
      max={max}
      step={step}
      value={draft ?? (value === null ? "" : String(value))}
      placeholder={nullable ? "auto" : undefined}
      onChange={(e) => {
        const raw = e.target.value;
        setDraft(raw);
        if (raw === "") {
          if (nullable) onCommit(null);
          return;
        }
        const n = Number(raw);
        if (Number.isFinite(n) && n >= min && n <= max) onCommit(n);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

function NumberField({
  param,
  value,
  onChange,
}: {
  param: NumberParam;
  value: number | null;
  onChange: (value: number | null) => void;
}) {
  const id = useId();
  const k = scale(param);
  const shownStep = param.step * k;
  const places = decimals(shownStep);
  const shown = value === null ? null : Number((value * k).toFixed(places));
  const unit = param.unit && param.unit !== "%" ? param.unit : param.unit === "%" ? "%" : "";
  const fromShown = (n: number) => Number((n / k).toFixed(places + (k === 100 ? 2 : 0)));
  const clamp = (n: number) => Math.min(param.max * k, Math.max(param.min * k, n));

  return (
    <div className="grid gap-1">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={`${id}-n`} className="text-xs font-medium">
          {param.label}
        </label>
        <div className="flex items-center gap-1">
          <NumberBox
            id={`${id}-n`}
            min={param.min * k}
            max={param.max * k}
            step={shownStep}
            value={shown}
            nullable={param.nullable}
            onCommit={(n) => onChange(n === null ? null : fromShown(clamp(n)))}
          />
          {unit && <span className="w-4 text-xs text-muted-foreground">{unit}</span>}
        </div>
      </div>
      <input
        type="range"
        aria-label={param.label}
        className="h-4 w-full accent-primary disabled:opacity-40"
        min={param.min * k}
        max={param.max * k}
        step={shownStep}
        value={shown ?? param.min * k}
        disabled={shown === null}
        onChange={(e) => onChange(fromShown(Number(e.target.value)))}
      />
    </div>
  );
}

export function StepFields({
  step,
  onChange,
  extra,
}: {
  step: ChainStep;
  onChange: StepChange;
  extra?: React.ReactNode;
}) {
  const info = stepInfo(step.kind);
  const values = step as unknown as Values;
  const id = useId();
  const set = (key: string, value: unknown, group = `${step.id}:${key}`) =>
    onChange({ ...values, [key]: value } as unknown as ChainStep, group);
  const empty =
    info.numbers.length + info.choices.length + info.colors.length + info.texts.length === 0 &&
    step.kind !== "resize" &&
    !extra;
  if (empty) return null;

  return (
    <div className={cn("grid gap-3", !step.enabled && "opacity-60")}>
      {extra}
      {info.texts.map((t) => (
        <div key={t.key} className="grid gap-1">
          <label htmlFor={`${id}-${t.key}`} className="text-xs font-medium">
            {t.label}
          </label>
          <Input
            id={`${id}-${t.key}`}
            className="h-8 text-sm"
            maxLength={200}
            value={String(values[t.key] ?? "")}
            onChange={(e) => set(t.key, e.target.value)}
            aria-invalid={String(values[t.key] ?? "").trim() === "" ? true : undefined}
          />
        </div>
      ))}
      {info.numbers.map((p) => (
        <NumberField
          key={p.key}
          param={p}
          value={(values[p.key] as number | null | undefined) ?? null}
          onChange={(v) => set(p.key, v)}
        />
      ))}
      {(info.choices.length > 0 || info.colors.length > 0) && (
        <div className="grid grid-cols-2 gap-3">
          {info.choices.map((c) => (
            <div key={c.key} className="grid gap-1">
              <label htmlFor={`${id}-${c.key}`} className="text-xs font-medium">
                {c.label}
              </label>
              <Select
                id={`${id}-${c.key}`}
                size="sm"
                className="w-full"
                value={String(values[c.key] ?? "")}
                onChange={(e) => set(c.key, e.target.value, undefined)}
              >
                {c.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </div>
          ))}
          {info.colors.map((c) => (
            <div key={c.key} className="grid gap-1">
              <label htmlFor={`${id}-${c.key}`} className="text-xs font-medium">
                {c.label}
              </label>
              <div className="flex h-9 items-center gap-2 rounded-md border border-input bg-card px-2">
                <input
                  id={`${id}-${c.key}`}
                  type="color"
                  className="h-6 w-8 cursor-pointer rounded border-0 bg-transparent p-0"
                  value={String(values[c.key] ?? "#000000")}
                  onChange={(e) => set(c.key, e.target.value)}
                />
                <span className="font-mono text-xs text-muted-foreground">
                  {String(values[c.key] ?? "")}
                </span>
              </div>
            </div>
          ))}
        </div>
      )}
      {step.kind === "resize" && (
        <label className="flex items-center gap-2 text-xs">
          <input
            type="checkbox"
            className="size-4 accent-primary"
            checked={step.withoutEnlargement}
            onChange={(e) => set("withoutEnlargement", e.target.checked, undefined)}
          />
          Never enlarge a smaller image
        </label>
      )}
    </div>
  );
}

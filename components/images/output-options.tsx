"use client";

import { useId } from "react";
import { OUTPUT_FORMATS } from "@/lib/images/catalog";
import type { OutputOptions } from "@/lib/images/chain";
import { Select } from "@/components/ui/select";

// Format, quality and metadata of the file Apply writes. PNG is lossless, so it has no quality.

export function OutputOptionsForm({
  value,
  onChange,
}: {
  value: OutputOptions;
  onChange: (value: OutputOptions, group?: string) => void;
}) {
  const id = useId();
  const lossy = value.format !== "png";
  return (
    <fieldset className="grid gap-3">
      <legend className="sr-only">Output</legend>
      <div className="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-3">
        <label htmlFor={`${id}-format`} className="text-sm font-medium">
          Format
        </label>
        <Select
          id={`${id}-format`}
          size="sm"
          value={value.format}
          onChange={(e) =>
            onChange({ ...value, format: e.target.value as OutputOptions["format"] })
          }
        >
          {OUTPUT_FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </Select>
        <label htmlFor={`${id}-quality`} className="text-sm font-medium">
          Quality
        </label>
        <div className="flex items-center gap-2">
          <input
            id={`${id}-quality`}
            type="range"
            min={1}
            max={100}
            step={1}
            value={value.quality}
            disabled={!lossy}
            className="h-4 min-w-0 flex-1 accent-primary disabled:opacity-40"
            onChange={(e) => onChange({ ...value, quality: Number(e.target.value) }, "quality")}
            aria-describedby={lossy ? undefined : `${id}-lossless`}
          />
          <span className="w-8 text-right text-sm tabular-nums">{lossy ? value.quality : "—"}</span>
        </div>
      </div>
      {!lossy && (
        <p id={`${id}-lossless`} className="text-xs text-muted-foreground">
          PNG is lossless: quality does not apply.
        </p>
      )}
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-primary"
          checked={value.keepMetadata}
          onChange={(e) => onChange({ ...value, keepMetadata: e.target.checked })}
        />
        <span>
          Keep metadata
          <span className="block text-xs text-muted-foreground">
            Camera details and location (EXIF) are removed unless you keep them. The colour profile
            is always kept.
          </span>
        </span>
      </label>
    </fieldset>
  );
}

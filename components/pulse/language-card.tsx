"use client";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { languageName } from "@/lib/pulse/language-name";
import type { LanguageRow } from "@/lib/pulse/view-types";
import { cn } from "@/lib/utils";
import { LanguageChart } from "./charts";
import type { PostFilter } from "./post-list";

// The range's posts by language (read from each post's text): volume and sentiment per language,
// the share nobody could score, and the model's mean confidence. A language filters the posts.

const TOP = 8;

export function LanguageCard({
  rows,
  active,
  onPick,
}: {
  rows: LanguageRow[];
  active: PostFilter;
  onPick: (f: PostFilter) => void;
}) {
  const total = rows.reduce((s, r) => s + r.count, 0);
  const unscored = rows.reduce((s, r) => s + r.unscored, 0);
  const scored = total - unscored;
  const confidence = rows.reduce((s, r) => s + r.confidenceSum, 0);
  const top = rows.slice(0, TOP);
  const rest = rows.slice(TOP);
  const chartRows = [
    ...top.map((r) => ({ ...r, name: languageName(r.language) })),
    ...(rest.length
      ? [
          {
            name: `${rest.length} more`,
            positive: rest.reduce((s, r) => s + r.positive, 0),
            neutral: rest.reduce((s, r) => s + r.neutral, 0),
            negative: rest.reduce((s, r) => s + r.negative, 0),
            unscored: rest.reduce((s, r) => s + r.unscored, 0),
          },
        ]
      : []),
  ];
  const pct = (n: number, of: number) => (of > 0 ? `${Math.round((n / of) * 100)}%` : "–");
  return (
    <Card>
      <CardHeader className="pb-2">
        <CardTitle className="text-base">Languages</CardTitle>
        <CardDescription data-testid="language-summary">
          {total === 0 ? (
            "No posts in this range yet."
          ) : (
            <>
              {rows.length} {rows.length === 1 ? "language" : "languages"}; unscored{" "}
              {pct(unscored, total)} (languages the scorer does not know)
              {confidence > 0 && scored > 0 && (
                <>
                  ; the model is{" "}
                  <span data-testid="model-confidence">{pct(confidence, scored)}</span> sure on
                  average
                </>
              )}
              .
            </>
          )}
        </CardDescription>
      </CardHeader>
      {total > 0 && (
        <CardContent className="grid gap-4 px-2 sm:px-6 lg:grid-cols-[2fr_1fr]">
          <div data-testid="language-chart">
            <LanguageChart rows={chartRows} />
          </div>
          <ul className="grid content-start gap-1" data-testid="languages">
            {rows.map((r) => {
              const on = active?.kind === "language" && active.value === r.language;
              const rScored = r.count - r.unscored;
              return (
                <li key={r.language}>
                  <button
                    type="button"
                    aria-pressed={on}
                    onClick={() => onPick(on ? null : { kind: "language", value: r.language })}
                    className={cn(
                      "relative flex w-full items-center justify-between gap-2 overflow-hidden rounded px-2 py-1 text-left text-sm hover:bg-accent",
                      on && "ring-2 ring-ring",
                    )}
                  >
                    <span
                      className="absolute inset-y-0 left-0 bg-primary/10"
                      style={{ width: `${(r.count / (rows[0]?.count ?? 1)) * 100}%` }}
                      aria-hidden
                    />
                    <span className="relative truncate">{languageName(r.language)}</span>
                    <span className="relative shrink-0 text-xs tabular-nums text-muted-foreground">
                      {r.count.toLocaleString("en")} · {pct(r.count, total)}
                      {rScored > 0 ? ` · mean ${(r.scoreSum / rScored).toFixed(1)}` : " · unscored"}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </CardContent>
      )}
    </Card>
  );
}

// Recharts styling shared by every chart: theme variables, so light and dark follow the page.

export const CHART_AXIS = { fontSize: 12, fill: "var(--muted-foreground)" };
export const CHART_GRID = "var(--border)";
export const CHART_TOOLTIP = {
  contentStyle: {
    background: "var(--card)",
    border: "1px solid var(--border)",
    borderRadius: 6,
    fontSize: 12,
    color: "var(--card-foreground)",
  },
  labelStyle: { color: "var(--muted-foreground)" },
};

import { C, FRAMEWORK, type Counters } from "@/lib/mapreduce/counters";
import { formatBytes, formatCount } from "@/lib/format/numbers";

// The job's counters, Hadoop-style, with the combiner's saving spelled out.

const isBytes = (name: string) => /bytes/i.test(name);

export function CountersTable({ counters }: { counters: Counters }) {
  const groups = Object.entries(counters).sort(([a], [b]) =>
    a === FRAMEWORK ? -1 : b === FRAMEWORK ? 1 : a.localeCompare(b),
  );
  if (groups.length === 0) {
    return <p className="text-sm text-muted-foreground">Counters appear as tasks report them.</p>;
  }
  const f = counters[FRAMEWORK] ?? {};
  const combineIn = f[C.combineInputRecords] ?? 0;
  const combineOut = f[C.combineOutputRecords] ?? 0;
  const saving = combineIn > 0 ? 1 - combineOut / combineIn : null;
  return (
    <div className="grid gap-3">
      {saving !== null && (
        <p className="text-sm" data-testid="combiner-saving">
          The combiner cut the map output from {formatCount(combineIn)} to {formatCount(combineOut)}{" "}
          records ({(saving * 100).toFixed(0)}% less to shuffle).
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        {groups.map(([group, names]) => (
          <table key={group} className="w-full text-sm" aria-label={group}>
            <caption className="pb-1 text-left text-xs font-medium text-muted-foreground">
              {group}
            </caption>
            <tbody>
              {Object.entries(names).map(([name, n]) => (
                <tr key={name} className="border-b last:border-0">
                  <th scope="row" className="py-1 pr-2 text-left font-normal">
                    {name}
                  </th>
                  <td className="py-1 text-right tabular-nums">
                    {isBytes(name) ? formatBytes(n) : formatCount(n)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </div>
  );
}

"use client";

import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime } from "@/lib/format/time";

const noop = () => () => {};

/**
 * A date in the viewer's time zone. The server does not know that zone, so the server render
 * and hydration use UTC and the client switches right after (no hydration mismatch).
 */
export function LocalDate({ iso }: { iso: string }) {
  const onClient = useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  const zone = onClient ? undefined : "UTC";
  return (
    <time dateTime={iso} title={formatDateTime(iso, zone)}>
      {formatDate(iso, zone)}
    </time>
  );
}

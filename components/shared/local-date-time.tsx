"use client";

import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * A date and time in the viewer's time zone. The server render and hydration use UTC (the
 * server cannot know the zone), and the client switches right after, without a mismatch.
 */
export function LocalDateTime({ iso }: { iso: string }) {
  const onClient = useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  const text = new Date(iso).toLocaleString(onClient ? undefined : "en", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: onClient ? undefined : "UTC",
  });
  // dateStyle cannot be combined with timeZoneName, so the zone is named by hand.
  return <time dateTime={iso}>{onClient ? text : `${text} UTC`}</time>;
}

"use client";

import { useEffect } from "react";

/**
 * Marks the document once React has hydrated the root (`<html data-hydrated>`). Until then, a
 * click or a file set on an input reaches no handler; the browser tests wait for the mark after
 * each navigation (e2e/support/fixtures.ts) instead of guessing how long a loaded machine takes.
 */
export function HydrationMark() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}

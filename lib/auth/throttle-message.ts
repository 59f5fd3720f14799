// Sign-in errors travel from authorize() to the browser as a string; this is their shape.
const PREFIX = "throttled:";

export function throttledError(retryAt: Date): string {
  return `${PREFIX}${retryAt.toISOString()}`;
}

export function describeSignInError(error: string | null | undefined, now = new Date()): string {
  if (error?.startsWith(PREFIX)) {
    const retryAt = new Date(error.slice(PREFIX.length));
    if (!Number.isNaN(retryAt.getTime())) {
      const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
      const time = retryAt.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"} (at ${time}).`;
    }
  }
  return "Email or password is incorrect.";
}

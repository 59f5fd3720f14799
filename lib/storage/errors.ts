// The SDK reports a missing object as NoSuchKey (GET) or NotFound (HEAD, no body to name it).
export function httpStatus(err: unknown): number | undefined {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

export function isNotFound(err: unknown): boolean {
  return httpStatus(err) === 404;
}

import { AsyncLocalStorage } from "node:async_hooks";
import { isRequestId } from "./request-id";

// The request id of the work in progress where no HTTP request is in scope: a background function
// run in the worker (set by the Inngest middleware from the event's data) or a script.
const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: unknown, fn: () => T): T {
  return isRequestId(requestId) ? storage.run({ requestId }, fn) : fn();
}

export function contextRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

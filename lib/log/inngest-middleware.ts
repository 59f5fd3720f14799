import { Middleware } from "inngest";
import { contextRequestId, runWithRequestId } from "./context";
import { currentRequestId, logger } from "./logger";
import { isRequestId } from "./request-id";

// Carries the request id from the request that sends an event into the run it starts: every event
// sent (inngest.send in a route handler or action, step.sendEvent in a function) gets the id of
// the work in progress as `data.requestId`; every run and step then executes with that id in scope,
// so the worker's log lines carry it, and events the run sends pass it on. Event schemas are plain
// zod objects, which accept the extra key.

type Payload = Middleware.TransformSendEventArgs["events"][number];

function eventRequestId(event: unknown): string | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const data = (event as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return undefined;
  const id = (data as { requestId?: unknown }).requestId;
  if (isRequestId(id)) return id;
  // inngest/function.failed (an onFailure run) carries the event that started the failed run.
  const original = (data as { event?: unknown }).event;
  return original === event ? undefined : eventRequestId(original);
}

export function withRequestId(events: Payload[], requestId: string | undefined): Payload[] {
  if (!requestId) return events;
  return events.map((event) =>
    eventRequestId(event) ? event : { ...event, data: { ...event.data, requestId } },
  );
}

export class RequestIdMiddleware extends Middleware.BaseMiddleware {
  readonly id = "stratus-request-id";

  async transformSendEvent(arg: Middleware.TransformSendEventArgs) {
    return { ...arg, events: withRequestId(arg.events, await currentRequestId()) };
  }

  wrapFunctionHandler({ ctx, fn, next }: Middleware.WrapFunctionHandlerArgs) {
    const requestId = eventRequestId(ctx.event);
    return runWithRequestId(requestId, async () => {
      logger.debug("function call", { function: fn.id(), runId: ctx.runId, requestId });
      return next();
    });
  }

  wrapStepHandler({ ctx, next }: Middleware.WrapStepHandlerArgs) {
    // Steps may run outside the handler's async context; the event still names the request.
    return runWithRequestId(contextRequestId() ?? eventRequestId(ctx.event), () => next());
  }

  onRunStart({ ctx, fn }: Middleware.OnRunStartArgs) {
    logger.info("run started", {
      function: fn.id(),
      runId: ctx.runId,
      event: ctx.event.name,
      requestId: eventRequestId(ctx.event),
    });
  }

  onRunComplete({ ctx, fn }: Middleware.OnRunCompleteArgs) {
    logger.info("run completed", {
      function: fn.id(),
      runId: ctx.runId,
      requestId: eventRequestId(ctx.event),
    });
  }

  onRunError({ ctx, fn, error, isFinalAttempt }: Middleware.OnRunErrorArgs) {
    logger[isFinalAttempt ? "error" : "warn"]("run failed", {
      function: fn.id(),
      runId: ctx.runId,
      requestId: eventRequestId(ctx.event),
      error: error as Error,
      final: isFinalAttempt,
    });
  }
}

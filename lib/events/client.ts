import { Inngest } from "inngest";
import { localFetch } from "@/lib/executor/local-api";
import { RequestIdMiddleware } from "@/lib/log/inngest-middleware";

// One client for the web app and the worker. Where events go and who may call the functions is
// configuration only (README, "Background jobs"): INNGEST_BASE_URL + the keys for the local
// executor, the keys alone for Inngest Cloud, INNGEST_DEV for an Inngest dev server.
// The SDK version is pinned exactly in package.json: the local executor speaks its protocol, and
// new releases add opcodes and change defaults. Checkpointing: a run's sequential steps run in one
// call, each step's result posted to INNGEST_BASE_URL/v1/checkpoint and stored before the next
// step starts (the local executor's event API, docs/job-engine.md rounds 4 and 6; Inngest's own
// otherwise). `fetch`: in the worker, requests to its own executor's event API (checkpoints, the
// functions' sends) are answered in process, without a socket (lib/executor/local-api.ts);
// everything else, and every request from the web app, is globalThis.fetch.
// RequestIdMiddleware carries the sending request's id into the run's logs (lib/log).
export const inngest = new Inngest({
  id: "stratus",
  checkpointing: true,
  fetch: localFetch,
  middleware: [RequestIdMiddleware],
});

import { Inngest } from "inngest";
import { RequestIdMiddleware } from "@/lib/log/inngest-middleware";

// One client for the web app and the worker. Where events go and who may call the functions is
// configuration only (README, "Background jobs"): INNGEST_BASE_URL + the keys for the local
// executor, the keys alone for Inngest Cloud, INNGEST_DEV for an Inngest dev server.
// The SDK version is pinned exactly in package.json: the local executor speaks its protocol, and
// new releases add opcodes and change defaults. Checkpointing (a run's sequential steps in one call,
// each result posted to INNGEST_BASE_URL/v1/checkpoint) works with the local executor too
// (docs/job-engine.md, round 4), but stays off here until every test rig's executor listens at the
// client's INNGEST_BASE_URL: elsewhere each checkpoint fails 5 times before the SDK falls back.
// RequestIdMiddleware carries the sending request's id into the run's logs (lib/log).
export const inngest = new Inngest({
  id: "stratus",
  checkpointing: false,
  middleware: [RequestIdMiddleware],
});

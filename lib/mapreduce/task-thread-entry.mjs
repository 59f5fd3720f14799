// Entry of a MapReduce task thread. Threads do not inherit the parent's TypeScript loader, so the
// thread registers tsx (a runtime dependency of the worker) itself before loading its body —
// as ES modules: CommonJS interop would turn every imported constant in the hot loops into a
// getter call.
import { register } from "tsx/esm/api";

register();
await import("./task-thread.ts");

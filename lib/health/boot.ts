import { assertEnvironment } from "./environment";
import { installShutdownHandlers } from "./shutdown";
import { logger } from "@/lib/log/logger";

// What a Node.js app server does once at start (instrumentation.ts): refuse to run with a missing
// or wrong setting, naming it, then install the graceful-shutdown handlers.
export function bootWebServer(): void {
  try {
    assertEnvironment("web");
  } catch (error) {
    // Plain text, not JSON: this is for the person starting the server.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  installShutdownHandlers();
  logger.info("app server started", { pid: process.pid, node: process.version });
}

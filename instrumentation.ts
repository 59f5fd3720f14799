// Runs once when a Next.js server starts: check the environment and install the graceful-shutdown
// handlers before the first request (lib/health/boot.ts). Never during `next build`, and only in
// the Node.js runtime (the branch is compiled away for the edge).
export async function register() {
  if (
    process.env.NEXT_RUNTIME === "nodejs" &&
    process.env.NEXT_PHASE !== "phase-production-build"
  ) {
    const { bootWebServer } = await import("@/lib/health/boot");
    const { appendSocketAddress } = await import("@/lib/auth/forwarded-for");
    appendSocketAddress();
    bootWebServer();
  }
}

// npm run bench:drive — Drive upload throughput and folder listing latency, against the local
// MariaDB (DATABASE_URL) and S3 store (.env.local), with a throwaway user removed afterwards.
//
// The Drive's server modules start with `import "server-only"`, which throws outside Next's
// server bundles; this launcher resolves it to an empty module before loading them.
import { register } from "node:module";
import nextEnv from "@next/env";

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export{}", shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
nextEnv.loadEnvConfig(process.cwd());

const { main } = await import("./bench");
await main();

import { cleanUpMapReduceJob } from "./functions/clean-up-mapreduce-job";
import { runMapReduceJob } from "./functions/run-mapreduce-job";
import { functions } from "./index";

// Everything the worker serves: the web tier's functions plus MapReduce, which runs user programs
// in a sandbox (bubblewrap, a dedicated uid) and must never run inside a web server — nor be
// bundled into one. Where Inngest Cloud drives the functions, register the worker's endpoint.
export const workerFunctions = [...functions, runMapReduceJob, cleanUpMapReduceJob];

import { cleanUpMapReduceJob } from "./functions/clean-up-mapreduce-job";
import { indexDriveSearch } from "./functions/index-drive-search";
import { runMapReduceJob } from "./functions/run-mapreduce-job";
import { functions } from "./index";

// Everything the worker serves: the web tier's functions plus MapReduce, which runs user programs
// in a sandbox (bubblewrap, a dedicated uid) and must never run inside a web server — nor be
// bundled into one. Where Inngest Cloud drives the functions, register the worker's endpoint.
// Drive search runs the MapReduce engine and parses hostile PDFs in child processes: worker only.
export const workerFunctions = [
  ...functions,
  runMapReduceJob,
  cleanUpMapReduceJob,
  indexDriveSearch,
];

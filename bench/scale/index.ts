// npm run bench:scale [-- --servers | --failover | --workers]
//   --servers (default)  rps and p95 through nginx with 1 and 3 app servers, one killed, one stopped
//   --failover           browser session + load while an app server is killed and restarted
//   --workers            one job worker against two sharing the queue
// The first two need `npm run up -- --instances 3`; --workers needs only MariaDB.
export {};

const mode = process.argv[2] ?? "--servers";
if (mode === "--servers") await import("./run");
else if (mode === "--failover") await import("./failover");
else if (mode === "--workers") await import("./workers");
else {
  console.error("usage: npm run bench:scale [-- --servers | --failover | --workers]");
  process.exit(2);
}

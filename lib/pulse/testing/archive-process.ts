// A real archiving process for archive.test.ts: archives one tracker and prints its progress;
// with STOP_AT it stops (waits forever) at that point so the test can SIGKILL it exactly there.
//   node --conditions=react-server --import tsx lib/pulse/testing/archive-process.ts \
//     <trackerId> <now ms> [page:<hour ms>:<posts>|uploaded:<hour ms>]
import { archiveTracker, type ArchiveProgress } from "@/lib/pulse/archive";

const [trackerId, nowArg, stopAt] = process.argv.slice(2);
if (!trackerId || !nowArg) throw new Error("usage: archive-process <trackerId> <now> [stop]");

const stops = (p: ArchiveProgress) => {
  if (!stopAt) return false;
  const [step, hour, posts] = stopAt.split(":");
  return (
    p.step === step && p.hour === Number(hour) && (posts === undefined || p.posts >= Number(posts))
  );
};

const result = await archiveTracker(trackerId, Number(nowArg), {
  onProgress: async (p) => {
    process.stdout.write(`progress ${JSON.stringify(p)}\n`);
    if (stops(p)) {
      process.stdout.write("stopped\n");
      await new Promise(() => undefined); // until SIGKILL
    }
  },
});
process.stdout.write(`done ${JSON.stringify(result)}\n`);
process.exit(0);

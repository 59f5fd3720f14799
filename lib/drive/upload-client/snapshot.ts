import type { SpeedMeter } from "./speed-meter";
import { ACTIVE, type InterruptedUpload, type Task, type UploaderSnapshot } from "./types";

/**
 * The immutable view the UI renders: each file (with its current speed and time left) and the
 * totals. Items that are uploading get fresh speed figures, so the tasks' items are updated too.
 */
export function buildSnapshot(
  tasks: readonly Task[],
  interrupted: readonly InterruptedUpload[],
  overallMeter: SpeedMeter,
): UploaderSnapshot {
  let loaded = 0;
  let total = 0;
  let active = 0;
  let done = 0;
  let failed = 0;
  const items = tasks.map((task) => {
    const { phase } = task.item;
    // Failed items are listed apart; counting them would hold the overall bar short forever.
    if (phase !== "cancelled" && phase !== "failed") {
      total += task.item.size;
      loaded += phase === "done" ? task.item.size : task.item.loaded;
    }
    if (ACTIVE.includes(phase)) active++;
    if (phase === "done") done++;
    if (phase === "failed") failed++;
    if (phase !== "uploading") return task.item;
    const speed = task.meter.bytesPerSecond();
    task.item = {
      ...task.item,
      bytesPerSecond: speed,
      secondsLeft: speed ? (task.item.size - task.item.loaded) / speed : null,
    };
    return task.item;
  });
  const speed = active > 0 ? overallMeter.bytesPerSecond() : null;
  return {
    items,
    interrupted,
    overall: {
      loaded,
      total,
      bytesPerSecond: speed,
      secondsLeft: speed ? (total - loaded) / speed : null,
      active,
      done,
      failed,
    },
  };
}

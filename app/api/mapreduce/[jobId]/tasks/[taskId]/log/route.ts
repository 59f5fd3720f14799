import { z } from "zod";
import { getTaskLog } from "@/lib/mapreduce/store";
import { HttpError } from "@/lib/server/errors";
import { NO_STORE, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

const Attempt = z.coerce.number().int().min(1).max(100);

// A task's stderr (user programs; the first 256 KiB), as plain text for its owner: one attempt's
// with ?attempt=N (1-based), else the last attempt's. Served as an attachment-free text/plain
// with nosniff: the log is the program's output.
export const GET = withUser<{ jobId: string; taskId: string }>(
  async ({ user, params, request }) => {
    const raw = new URL(request.url).searchParams.get("attempt");
    const attempt = raw === null ? undefined : Attempt.safeParse(raw);
    if (attempt && !attempt.success) throw new HttpError(400, "The attempt is a number from 1.");
    const log = await getTaskLog(user.id, params.jobId, params.taskId, attempt?.data);
    if (log === null) throw new HttpError(404, "This task or attempt does not exist.");
    return new Response(log, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "x-content-type-options": "nosniff",
        "cache-control": NO_STORE,
      },
    });
  },
);

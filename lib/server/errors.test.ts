import { describe, expect, it } from "vitest";
import { captureStderr } from "@/lib/log/testing/capture-stderr";
import { UploadError } from "@/lib/drive/uploads";
import { ImageInputError } from "@/lib/images/errors";
import { ApplyError } from "@/lib/images/results";
import { EmrStepError } from "@/lib/mapreduce/emr/step";
import { JobRunError } from "@/lib/mapreduce/execute";
import { OutputError } from "@/lib/mapreduce/outputs";
import { PlanError } from "@/lib/mapreduce/plan";
import { runWithRequestId } from "@/lib/log/context";
import { HttpError, isUserFacing, UserFacingError, userMessage } from "./errors";

const stderr = captureStderr();

describe("the one rule for messages users read", () => {
  it("covers every expected failure, each named UserFacingError", () => {
    const expected = [
      new PlanError("The program map.py is missing from the job."),
      new JobRunError("This job no longer exists."),
      new OutputError("Your Drive is full."),
      new EmrStepError("Choose at least one input file."),
      new ApplyError("The image no longer exists or is in the trash."),
      new ImageInputError("corrupt", "This image is damaged."),
      new UploadError(413, "Not enough space."),
      new HttpError(404, "Not found."),
    ];
    for (const error of expected) {
      expect(error, error.constructor.name).toBeInstanceOf(UserFacingError);
      // What a function's onFailure receives: the error serialized, prototype gone.
      const serialized = JSON.parse(JSON.stringify({ name: error.name, message: error.message }));
      expect(isUserFacing(serialized), error.constructor.name).toBe(true);
      expect(userMessage(serialized)).toBe(error.message);
    }
    expect(stderr.lines).toEqual([]);
  });

  it("shows anything else as the generic sentence with the request id, logged in full", () => {
    const message = runWithRequestId("req-job-00000001", () =>
      userMessage(new Error("ER_LOCK_DEADLOCK on `Job` (secret detail)"), "The job failed."),
    );
    expect(message).toBe("The job failed. (Request id: req-job-00000001.)");
    const line = stderr.json();
    expect(line).toMatchObject({
      level: "error",
      requestId: "req-job-00000001",
      error: { message: "ER_LOCK_DEADLOCK on `Job` (secret detail)" },
    });
  });

  it("does not trust a serialized error by its message or by a look-alike name", () => {
    for (const error of [
      { name: "Error", message: "secret" },
      { name: "NonRetriableError", message: "invalid event: secret" },
      { name: "PlanError", message: "secret" },
      "secret",
      null,
    ]) {
      expect(userMessage(error, "Failed.", undefined)).toBe("Failed.");
    }
  });
});

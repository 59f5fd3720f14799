// The runner through the real @aws-sdk/client-emr, against the loopback EMR stand-in.
import { AddJobFlowStepsCommand, EMRClient, RunJobFlowCommand } from "@aws-sdk/client-emr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emrConfigFromEnv, emrJobUris, type EmrConfig } from "./config";
import {
  cancelEmrStep,
  createEmrClient,
  pollEmrStep,
  submitEmrJob,
  type EmrSubmission,
} from "./runner";
import { buildStreamingStep } from "./step";
import { EmrStandIn, streamingArgsProblem } from "./testing/emr-stand-in";

const REGION = "eu-west-1";
const KEYS = { accessKeyId: "AKIDSTANDIN", secretAccessKey: "stand-in-secret" };
let standIn: EmrStandIn;

function config(extra: Record<string, string> = {}): EmrConfig {
  return emrConfigFromEnv({
    EMR_REGION: REGION,
    EMR_S3_PREFIX: "s3://stratus-jobs/emr",
    EMR_ENDPOINT: standIn.endpoint,
    EMR_ACCESS_KEY_ID: KEYS.accessKeyId,
    EMR_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
    ...extra,
  })!;
}

function wordCountStep(c: EmrConfig, jobId: string, options = {}) {
  const uris = emrJobUris(c, jobId);
  return buildStreamingStep({
    jobId,
    job: { kind: "word-count" },
    options,
    programUris: {
      "stratus_wc_mapper.py": uris.program("stratus_wc_mapper.py"),
      "stratus_wc_reducer.py": uris.program("stratus_wc_reducer.py"),
    },
    inputUris: [uris.input],
    outputUri: uris.output,
  });
}

async function pollUntilDone(client: EMRClient, sub: EmrSubmission, cancelRequested = false) {
  const seen = [];
  for (let i = 0; i < 10; i++) {
    const s = await pollEmrStep(client, sub, { cancelRequested });
    seen.push(s);
    if (s.done) return seen;
  }
  throw new Error("the step never finished");
}

beforeAll(async () => {
  standIn = await EmrStandIn.start({ region: REGION, ...KEYS });
});
afterAll(() => standIn.close());

describe("submitEmrJob", () => {
  it("starts a transient cluster with RunJobFlow and follows its step to success", async () => {
    const c = config({ EMR_INSTANCE_COUNT: "5", EMR_RELEASE_LABEL: "emr-7.2.0" });
    const client = createEmrClient(c);
    const step = wordCountStep(c, "job-run");
    const before = standIn.calls.length;
    const sub = await submitEmrJob(client, c, { jobId: "job-run", step });
    expect(sub.transient).toBe(true);
    expect(sub.clusterId).toMatch(/^j-/);
    expect(sub.stepId).toMatch(/^s-/);

    const [run, list] = standIn.calls.slice(before);
    expect(run?.operation).toBe("RunJobFlow");
    expect(run?.body).toMatchObject({
      ReleaseLabel: "emr-7.2.0",
      Applications: [{ Name: "Hadoop" }],
      LogUri: "s3://stratus-jobs/emr/logs/",
      JobFlowRole: "EMR_EC2_DefaultRole",
      ServiceRole: "EMR_DefaultRole",
      Instances: { InstanceCount: 5, KeepJobFlowAliveWhenNoSteps: false },
      Steps: [step],
    });
    expect(list?.operation).toBe("ListSteps");
    // What reached the wire is exactly what we built.
    expect(standIn.step(sub.stepId)?.config.HadoopJarStep.Args).toEqual(step.HadoopJarStep?.Args);

    const seen = await pollUntilDone(client, sub);
    expect(seen.map((s) => [s.state, s.status, s.done])).toEqual([
      ["PENDING", "queued", false],
      ["RUNNING", "running", false],
      ["COMPLETED", "succeeded", true],
    ]);
    expect(seen.at(-1)?.failure).toBeUndefined();
  });

  it("adds the step to a configured cluster with AddJobFlowSteps and surfaces a failure's reason", async () => {
    const clusterId = standIn.addCluster();
    const c = config({
      EMR_CLUSTER_ID: clusterId,
      EMR_STEP_ROLE_ARN: "arn:aws:iam::123456789012:role/stratus-step",
    });
    const client = createEmrClient(c);
    standIn.planNextStep([
      { state: "PENDING" },
      { state: "RUNNING" },
      { state: "RUNNING" },
      {
        state: "FAILED",
        failureDetails: {
          Reason: "Streaming Command Failed!",
          Message: "Task attempt_1 failed: python3 mapper.py exited with 1",
          LogFile: `s3://stratus-jobs/emr/logs/${clusterId}/steps/s-X/stderr.gz`,
        },
      },
    ]);
    const step = wordCountStep(c, "job-add", { combiner: "none", reducers: 1 });
    const before = standIn.calls.length;
    const sub = await submitEmrJob(client, c, { jobId: "job-add", step });
    expect(sub).toEqual({ clusterId, stepId: expect.stringMatching(/^s-/), transient: false });
    const calls = standIn.calls.slice(before);
    expect(calls.map((x) => x.operation)).toEqual(["AddJobFlowSteps"]);
    expect(calls[0]?.body).toEqual({
      JobFlowId: clusterId,
      Steps: [step],
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/stratus-step",
    });

    const seen = await pollUntilDone(client, sub);
    expect(seen.map((s) => s.status)).toEqual(["queued", "running", "running", "failed"]);
    expect(seen.at(-1)?.failure).toEqual({
      reason: "Streaming Command Failed!: Task attempt_1 failed: python3 mapper.py exited with 1",
      logFile: `s3://stratus-jobs/emr/logs/${clusterId}/steps/s-X/stderr.gz`,
    });
  });

  it("reports a transient cluster that could not start as a failure, not a cancel", async () => {
    const c = config();
    const client = createEmrClient(c);
    standIn.failNextClusterStart("The requested instance type m5.xlarge is not supported.");
    const sub = await submitEmrJob(client, c, {
      jobId: "job-nostart",
      step: wordCountStep(c, "job-nostart"),
    });
    const last = (await pollUntilDone(client, sub)).at(-1);
    expect(last).toMatchObject({ state: "CANCELLED", status: "failed", done: true });
    expect(last?.failure?.reason).toMatch(
      /cancelled by EMR: .*TERMINATED_WITH_ERRORS.*not supported/,
    );
  });
});

describe("cancelEmrStep", () => {
  it("cancels a step on a shared cluster and leaves the cluster up", async () => {
    const clusterId = standIn.addCluster();
    const c = config({ EMR_CLUSTER_ID: clusterId });
    const client = createEmrClient(c);
    const sub = await submitEmrJob(client, c, {
      jobId: "job-c1",
      step: wordCountStep(c, "job-c1"),
    });
    expect((await pollEmrStep(client, sub)).status).toBe("queued");

    const before = standIn.calls.length;
    await expect(cancelEmrStep(client, sub)).resolves.toEqual({ cancelled: true });
    const calls = standIn.calls.slice(before);
    expect(calls).toEqual([
      {
        operation: "CancelSteps",
        body: {
          ClusterId: clusterId,
          StepIds: [sub.stepId],
          StepCancellationOption: "TERMINATE_PROCESS",
        },
      },
    ]);
    expect(standIn.clusters.get(clusterId)?.state).toBe("WAITING");

    const seen = await pollUntilDone(client, sub, true);
    expect(seen.map((s) => [s.state, s.status, s.done])).toEqual([
      ["CANCEL_PENDING", "cancelled", false],
      ["CANCELLED", "cancelled", true],
    ]);
    // Cancelling a finished step is answered, not thrown.
    await expect(cancelEmrStep(client, sub)).resolves.toEqual({
      cancelled: false,
      message: "Step is in state CANCELLED and cannot be cancelled.",
    });
  });

  it("terminates the transient cluster the job started", async () => {
    const c = config();
    const client = createEmrClient(c);
    const sub = await submitEmrJob(client, c, {
      jobId: "job-c2",
      step: wordCountStep(c, "job-c2"),
    });
    await pollEmrStep(client, sub);
    expect((await pollEmrStep(client, sub)).status).toBe("running");
    const before = standIn.calls.length;
    await cancelEmrStep(client, sub);
    expect(standIn.calls.slice(before).map((x) => x.operation)).toEqual([
      "CancelSteps",
      "TerminateJobFlows",
    ]);
    expect(standIn.calls.at(-1)?.body).toEqual({ JobFlowIds: [sub.clusterId] });
    expect(standIn.clusters.get(sub.clusterId)?.state).toBe("TERMINATED");
  });
});

describe("the EMR stand-in", () => {
  const files = "s3://stratus-jobs/p/m.py#m.py,s3://stratus-jobs/p/r.py#r.py";
  const good = [
    "hadoop-streaming", "-files", files, "-D", "mapreduce.job.reduces=2",
    "-input", "s3://stratus-jobs/in/", "-output", "s3://stratus-jobs/out/",
    "-mapper", "python3 m.py", "-reducer", "python3 r.py",
  ]; // prettier-ignore

  function addStep(client: EMRClient, clusterId: string, args: string[]) {
    return client.send(
      new AddJobFlowStepsCommand({
        JobFlowId: clusterId,
        Steps: [{ Name: "hand-built", HadoopJarStep: { Jar: "command-runner.jar", Args: args } }],
      }),
    );
  }

  it("refuses hand-built steps that Hadoop would reject, with the API's error shape", async () => {
    const clusterId = standIn.addCluster();
    const client = createEmrClient(config());
    await expect(addStep(client, clusterId, good)).resolves.toMatchObject({
      StepIds: [expect.any(String)],
    });

    // -D after the streaming options.
    const late = [
      "hadoop-streaming",
      "-files",
      files,
      ...good.slice(5, 9),
      "-D",
      "mapreduce.job.reduces=2",
      ...good.slice(9),
    ];
    await expect(addStep(client, clusterId, late)).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/generic option -D must come before the streaming options/),
      $metadata: { httpStatusCode: 400 },
    });
    expect(standIn.refusals.at(-1)).toMatchObject({
      operation: "AddJobFlowSteps",
      type: "ValidationException",
    });

    const bad: [string[], RegExp][] = [
      [
        ["hadoop-streaming", "-D", "mapreduce.job.reduces=2", "-files", files, ...good.slice(5)],
        /-files is out of order/,
      ],
      [good.map((a) => a.replace("#m.py", "")), /is not s3:\/\/bucket\/key#name/],
      [
        good.map((a) => a.replace(files, "/local/m.py#m.py,s3://stratus-jobs/p/r.py#r.py")),
        /not s3:\/\/bucket\/key#name/,
      ],
      [
        good.map((a) => (a === "python3 m.py" ? "python3 other.py" : a)),
        /which -files does not ship/,
      ],
      [
        good.map((a) => (a === "mapreduce.job.reduces=2" ? "mapreduce.job.reduces=0" : a)),
        /map-only step/,
      ],
      [
        good.map((a) =>
          a === "s3://stratus-jobs/in/" ? `s3://stratus-jobs/${"i".repeat(10_240)}` : a,
        ),
        /the limit is 10240/,
      ],
    ];
    for (const [args, message] of bad) {
      expect(streamingArgsProblem(args)).toMatch(message);
      await expect(addStep(client, clusterId, args)).rejects.toMatchObject({
        name: "ValidationException",
        message,
      });
    }
    await expect(addStep(client, "j-NOSUCHCLUSTER", good)).rejects.toMatchObject({
      name: "InvalidRequestException",
    });
  });

  it("refuses a RunJobFlow that would keep the cluster alive", async () => {
    const client = createEmrClient(config());
    const request = {
      Name: "forever",
      ReleaseLabel: "emr-7.5.0",
      Applications: [{ Name: "Hadoop" }],
      JobFlowRole: "EMR_EC2_DefaultRole",
      ServiceRole: "EMR_DefaultRole",
      Instances: {
        MasterInstanceType: "m5.xlarge",
        InstanceCount: 1,
        KeepJobFlowAliveWhenNoSteps: true,
      },
      Steps: [{ Name: "s", HadoopJarStep: { Jar: "command-runner.jar", Args: good } }],
    };
    await expect(client.send(new RunJobFlowCommand(request))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/KeepJobFlowAliveWhenNoSteps to false/),
    });
    request.Instances.KeepJobFlowAliveWhenNoSteps = false;
    await expect(client.send(new RunJobFlowCommand(request))).resolves.toMatchObject({
      JobFlowId: expect.stringMatching(/^j-/),
    });
  });

  it("checks the SigV4 signature, its service and its region", async () => {
    const clusterId = standIn.addCluster();
    const wrongSecret = createEmrClient({
      ...config(),
      credentials: { ...KEYS, secretAccessKey: "guess" },
    });
    await expect(addStep(wrongSecret, clusterId, good)).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringMatching(/does not match/),
    });
    const wrongRegion = createEmrClient({ ...config(), region: "us-east-1" });
    await expect(addStep(wrongRegion, clusterId, good)).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringMatching(/region: 'eu-west-1', not 'us-east-1'/),
    });
    // A raw unsigned request, as a client without credentials would send.
    const res = await fetch(standIn.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "ElasticMapReduce.ListSteps",
      },
      body: JSON.stringify({ ClusterId: clusterId }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      __type: "MissingAuthenticationTokenException",
      message: "Missing Authentication Token",
    });
    // The checks refused nothing from the SDK's well-signed calls above.
    expect(standIn.refusals.filter((r) => r.type.includes("Signature")).length).toBe(2);
  });
});

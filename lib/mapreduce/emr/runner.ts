import "server-only";
import {
  AddJobFlowStepsCommand,
  CancelStepsCommand,
  DescribeClusterCommand,
  DescribeStepCommand,
  EMRClient,
  ListStepsCommand,
  RunJobFlowCommand,
  TerminateJobFlowsCommand,
  type StepConfig,
  type StepState,
} from "@aws-sdk/client-emr";
import type { JobStatus } from "@/lib/jobs/schemas";
import type { EmrConfig } from "./config";

// Submits a streaming step (step.ts) to EMR, follows it and cancels it. Uploading programs and
// input to S3, and reading the part files back, is the caller's: it knows the user's storage.

export class EmrRunError extends Error {
  override name = "EmrRunError";
}

export function createEmrClient(config: EmrConfig): EMRClient {
  return new EMRClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: config.credentials,
    maxAttempts: 3,
  });
}

/** Everything later calls need; plain JSON so it can live in an Inngest step's output. */
export interface EmrSubmission {
  clusterId: string;
  stepId: string;
  /** true: the job started this cluster (RunJobFlow) and it ends with the step. */
  transient: boolean;
}

/**
 * AddJobFlowSteps to the configured cluster, or RunJobFlow on a transient cluster that runs the
 * one step and terminates. The step's S3 programs and input must already be in place.
 */
export async function submitEmrJob(
  client: EMRClient,
  config: EmrConfig,
  job: { jobId: string; step: StepConfig },
): Promise<EmrSubmission> {
  if (config.clusterId) {
    const out = await client.send(
      new AddJobFlowStepsCommand({
        JobFlowId: config.clusterId,
        Steps: [job.step],
        ...(config.stepRoleArn ? { ExecutionRoleArn: config.stepRoleArn } : {}),
      }),
    );
    const stepId = out.StepIds?.[0];
    if (!stepId) throw new EmrRunError("EMR accepted the step but returned no step id.");
    return { clusterId: config.clusterId, stepId, transient: false };
  }

  const run = await client.send(
    new RunJobFlowCommand({
      Name: `Stratus MapReduce ${job.jobId}`,
      ReleaseLabel: config.releaseLabel,
      Applications: [{ Name: "Hadoop" }],
      LogUri: config.logUri,
      JobFlowRole: config.jobFlowRole,
      ServiceRole: config.serviceRole,
      VisibleToAllUsers: true,
      Instances: {
        MasterInstanceType: config.instanceType,
        SlaveInstanceType: config.instanceType,
        InstanceCount: config.instanceCount,
        // Transient: the cluster terminates once its step is done, whatever the outcome.
        KeepJobFlowAliveWhenNoSteps: false,
        TerminationProtected: false,
      },
      Steps: [job.step],
      Tags: [{ Key: "stratus:job", Value: job.jobId }],
    }),
  );
  const clusterId = run.JobFlowId;
  if (!clusterId) throw new EmrRunError("EMR started no cluster (RunJobFlow returned no id).");
  // RunJobFlow does not return step ids; the cluster's only step is ours.
  const listed = await client.send(new ListStepsCommand({ ClusterId: clusterId }));
  const stepId = listed.Steps?.find((s) => s.Name === job.step.Name)?.Id;
  if (!stepId) throw new EmrRunError(`Cluster ${clusterId} started without the job's step.`);
  return { clusterId, stepId, transient: true };
}

export interface EmrStepStatus {
  /** EMR's own state, for logs and the job page. */
  state: StepState;
  status: JobStatus;
  /** false: poll again (PENDING, RUNNING, CANCEL_PENDING). */
  done: boolean;
  /** The job page's phase line, e.g. "EMR: running". */
  phase: string;
  /** Set when status is failed: why, in a sentence the user sees. */
  failure?: { reason: string; logFile?: string };
}

const STATUS: Record<StepState, { status: JobStatus; done: boolean }> = {
  PENDING: { status: "queued", done: false },
  RUNNING: { status: "running", done: false },
  COMPLETED: { status: "succeeded", done: true },
  // Cancelled by the user and on its way out: the job is cancelled, the step not yet gone.
  CANCEL_PENDING: { status: "cancelled", done: false },
  CANCELLED: { status: "cancelled", done: true },
  FAILED: { status: "failed", done: true },
  // The cluster stopped under the step (terminated, lost nodes): a failure the user did not ask for.
  INTERRUPTED: { status: "failed", done: true },
};

/**
 * One DescribeStep, mapped to the Job's status. A step cancelled without the user asking
 * (cancelRequested false) means its cluster could not run it, e.g. a transient cluster that
 * failed to start: that is reported as a failure with the cluster's reason.
 */
export async function pollEmrStep(
  client: EMRClient,
  submission: EmrSubmission,
  opts: { cancelRequested?: boolean } = {},
): Promise<EmrStepStatus> {
  const out = await client.send(
    new DescribeStepCommand({ ClusterId: submission.clusterId, StepId: submission.stepId }),
  );
  const state = out.Step?.Status?.State;
  if (!state || !(state in STATUS)) {
    throw new EmrRunError(`EMR reported no known state for step ${submission.stepId}.`);
  }
  const { status, done } = STATUS[state];
  const phase = `EMR: ${state.toLowerCase().replace("_", " ")}`;

  if (state === "FAILED") {
    const details = out.Step?.Status?.FailureDetails;
    const reason =
      [details?.Reason, details?.Message].filter(Boolean).join(": ") ||
      out.Step?.Status?.StateChangeReason?.Message ||
      "The EMR step failed without a reason.";
    return { state, status, done, phase, failure: { reason, logFile: details?.LogFile } };
  }
  if (state === "INTERRUPTED" || (state === "CANCELLED" && !opts.cancelRequested)) {
    const cluster = await clusterReason(client, submission.clusterId);
    const what = state === "INTERRUPTED" ? "was interrupted" : "was cancelled by EMR";
    return {
      state,
      status: "failed",
      done,
      phase,
      failure: { reason: `The EMR step ${what}${cluster ? `: ${cluster}` : "."}` },
    };
  }
  return { state, status, done, phase };
}

async function clusterReason(client: EMRClient, clusterId: string): Promise<string | null> {
  try {
    const out = await client.send(new DescribeClusterCommand({ ClusterId: clusterId }));
    const s = out.Cluster?.Status;
    const message = s?.StateChangeReason?.Message;
    return message ? `cluster ${clusterId} is ${s?.State ?? "gone"} (${message})` : null;
  } catch {
    return null;
  }
}

/**
 * CancelSteps for the job's step; a transient cluster the job started is terminated too (it has
 * nothing else to do). Resolves with EMR's answer; a step that already finished is not an error.
 */
export async function cancelEmrStep(
  client: EMRClient,
  submission: EmrSubmission,
): Promise<{ cancelled: boolean; message?: string }> {
  const out = await client.send(
    new CancelStepsCommand({
      ClusterId: submission.clusterId,
      StepIds: [submission.stepId],
      // Stop a running step's Hadoop job now instead of waiting for it to notice an interrupt.
      StepCancellationOption: "TERMINATE_PROCESS",
    }),
  );
  const info = out.CancelStepsInfoList?.find((i) => i.StepId === submission.stepId);
  if (submission.transient) {
    await client.send(new TerminateJobFlowsCommand({ JobFlowIds: [submission.clusterId] }));
  }
  const cancelled = info?.Status === "SUBMITTED";
  return cancelled ? { cancelled } : { cancelled, message: info?.Reason ?? undefined };
}

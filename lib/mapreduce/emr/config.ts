import "server-only";
import { z } from "zod";
import { blank, parseEnv } from "@/lib/parse-env";

// Where and how MapReduce jobs run on Amazon EMR. EMR is optional: with neither EMR_REGION nor
// EMR_S3_PREFIX set, emrConfigFromEnv returns null and jobs run on the local engine only. The
// README's 'Environment' table mirrors the comments below.

/** s3://bucket/optional/prefix, without a trailing slash once parsed. */
export const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

const s3Uri = (name: string) =>
  z
    .string({ error: `${name} is not set` })
    .regex(S3_URI, `${name} must look like s3://bucket/prefix`)
    .transform((s) => s.replace(/\/+$/, ""));

const schema = z
  .object({
    /** The AWS region of the cluster, e.g. eu-west-1. Setting it (with EMR_S3_PREFIX) turns EMR on. */
    EMR_REGION: z
      .string({ error: "EMR_REGION is not set" })
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "EMR_REGION is not an AWS region such as us-east-1"),
    /**
     * s3://bucket/prefix under which each job's programs, input and output live
     * (<prefix>/jobs/<jobId>/{programs,input,output}/) and, unless EMR_LOG_URI says otherwise,
     * the cluster logs. The cluster's instance role must be able to read and write it.
     */
    EMR_S3_PREFIX: s3Uri("EMR_S3_PREFIX"),
    /**
     * An existing, long-running cluster (j-…): jobs are added to it with AddJobFlowSteps. Unset:
     * every job starts its own transient cluster with RunJobFlow, which ends after the step.
     */
    EMR_CLUSTER_ID: z.preprocess(
      blank,
      z
        .string()
        .regex(/^j-[A-Z0-9]{1,64}$/, "EMR_CLUSTER_ID is not a cluster id such as j-2AXXXXXXGAPLF")
        .optional(),
    ),
    /** Transient clusters: the EMR release (Hadoop version) to start. */
    EMR_RELEASE_LABEL: z.preprocess(
      blank,
      z
        .string()
        .regex(/^emr-\d+\.\d+\.\d+$/, "EMR_RELEASE_LABEL looks like emr-7.5.0")
        .default("emr-7.5.0"),
    ),
    /** Transient clusters: the EC2 instance type of the primary and core nodes. */
    EMR_INSTANCE_TYPE: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "EMR_INSTANCE_TYPE looks like m5.xlarge")
        .default("m5.xlarge"),
    ),
    /** Transient clusters: number of instances, the primary node included (1 = primary only). */
    EMR_INSTANCE_COUNT: z.preprocess(
      blank,
      z.coerce
        .number({ error: "EMR_INSTANCE_COUNT must be a number" })
        .int("EMR_INSTANCE_COUNT must be a whole number")
        .min(1, "EMR_INSTANCE_COUNT is at least 1")
        .max(500, "EMR_INSTANCE_COUNT is at most 500")
        .default(3),
    ),
    /**
     * Transient clusters: the EC2 instance profile of the nodes. Tasks run user programs that can
     * reach these credentials: give it read/write on EMR_S3_PREFIX and nothing else.
     */
    EMR_JOB_FLOW_ROLE: z.preprocess(blank, z.string().min(1).default("EMR_EC2_DefaultRole")),
    /** Transient clusters: the IAM role EMR itself assumes to manage the cluster. */
    EMR_SERVICE_ROLE: z.preprocess(blank, z.string().min(1).default("EMR_DefaultRole")),
    /** Where transient clusters write their logs (step stderr, task attempts). Default <prefix>/logs/. */
    EMR_LOG_URI: z.preprocess(blank, s3Uri("EMR_LOG_URI").optional()),
    /**
     * Existing cluster only: the runtime role each step runs as (ExecutionRoleArn), so user
     * programs get that role's permissions instead of the instance role's. Needs a cluster with a
     * security configuration that enables runtime roles.
     */
    EMR_STEP_ROLE_ARN: z.preprocess(
      blank,
      z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "EMR_STEP_ROLE_ARN is not an IAM role ARN")
        .optional(),
    ),
    /**
     * Whether uploaded programs may run on EMR. Every step's programs run with the same role (the
     * instance role, or EMR_STEP_ROLE_ARN), which reads and writes all of EMR_S3_PREFIX: one
     * user's mapper could read another user's inputs or plant files in another job's output. So
     * "refuse" (the default) unless that role serves one tenant only (a single-user deployment):
     * then "allow". Built-in jobs run Stratus's own scripts and are not affected.
     */
    EMR_UPLOADED_PROGRAMS: z.preprocess(blank, z.enum(["refuse", "allow"]).default("refuse")),
    /** Another EMR API endpoint (http(s) URL): the loopback stand-in in tests. Unset: AWS's. */
    EMR_ENDPOINT: z.preprocess(
      blank,
      z.url({ protocol: /^https?$/, error: "EMR_ENDPOINT must be an http(s) URL" }).optional(),
    ),
    /** Both or neither; without them the SDK's default chain (AWS_* variables, ~/.aws, instance role). */
    EMR_ACCESS_KEY_ID: z.preprocess(blank, z.string().optional()),
    EMR_SECRET_ACCESS_KEY: z.preprocess(blank, z.string().optional()),
  })
  .refine((e) => (e.EMR_ACCESS_KEY_ID === undefined) === (e.EMR_SECRET_ACCESS_KEY === undefined), {
    message: "set both EMR_ACCESS_KEY_ID and EMR_SECRET_ACCESS_KEY, or neither",
    path: ["EMR_SECRET_ACCESS_KEY"],
  });

export interface EmrConfig {
  region: string;
  s3Prefix: string;
  /** Set: AddJobFlowSteps to this cluster. Unset: RunJobFlow, a transient cluster per job. */
  clusterId: string | undefined;
  releaseLabel: string;
  instanceType: string;
  instanceCount: number;
  jobFlowRole: string;
  serviceRole: string;
  logUri: string;
  stepRoleArn: string | undefined;
  /** "allow" only where the cluster's role serves one tenant (EMR_UPLOADED_PROGRAMS). */
  uploadedPrograms: "refuse" | "allow";
  endpoint: string | undefined;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export class EmrConfigError extends Error {
  override name = "EmrConfigError";
}

/** null when EMR is not configured at all; throws EmrConfigError when it is, but wrongly. */
export function emrConfigFromEnv(env: Record<string, string | undefined>): EmrConfig | null {
  if (!blank(env.EMR_REGION) && !blank(env.EMR_S3_PREFIX)) return null;
  const e = parseEnv(schema, env, "EMR", EmrConfigError);
  return {
    region: e.EMR_REGION,
    s3Prefix: e.EMR_S3_PREFIX,
    clusterId: e.EMR_CLUSTER_ID,
    releaseLabel: e.EMR_RELEASE_LABEL,
    instanceType: e.EMR_INSTANCE_TYPE,
    instanceCount: e.EMR_INSTANCE_COUNT,
    jobFlowRole: e.EMR_JOB_FLOW_ROLE,
    serviceRole: e.EMR_SERVICE_ROLE,
    logUri: `${e.EMR_LOG_URI ?? `${e.EMR_S3_PREFIX}/logs`}/`,
    stepRoleArn: e.EMR_STEP_ROLE_ARN,
    uploadedPrograms: e.EMR_UPLOADED_PROGRAMS,
    endpoint: e.EMR_ENDPOINT,
    credentials:
      e.EMR_ACCESS_KEY_ID && e.EMR_SECRET_ACCESS_KEY
        ? { accessKeyId: e.EMR_ACCESS_KEY_ID, secretAccessKey: e.EMR_SECRET_ACCESS_KEY }
        : undefined,
  };
}

let cached: EmrConfig | null | undefined;

/** The process's EMR configuration, parsed once; null when EMR is not configured. */
export function emrConfig(): EmrConfig | null {
  if (cached === undefined) cached = emrConfigFromEnv(process.env);
  return cached;
}

/** Where one job's files go under EMR_S3_PREFIX; the caller uploads programs and input there. */
export function emrJobUris(config: Pick<EmrConfig, "s3Prefix">, jobId: string) {
  const base = `${config.s3Prefix}/jobs/${jobId}`;
  return {
    programs: `${base}/programs/`,
    program: (name: string) => `${base}/programs/${name}`,
    input: `${base}/input/`,
    /** Hadoop refuses an output directory that exists: nothing may be written here first. */
    output: `${base}/output/`,
  };
}

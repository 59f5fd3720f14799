import type { z } from "zod";
import type { DriveFile } from "@/lib/drive/types";
import {
  apiErrorSchema,
  completeResponseSchema,
  partUrlsResponseSchema,
  startResponseSchema,
  uploadStatusSchema,
  type PartUrlsResponse,
  type StartUploadResponse,
  type UploadStatus,
} from "@/lib/drive/upload-schemas";

// The upload manager's view of the server. The browser talks HTTP to /api/drive/uploads; the benchmark
// calls the same server functions directly.

export type StartInput = {
  name: string;
  size: number;
  contentType: string;
  folderId: string | null;
};

export type CompletedPart = { partNumber: number; etag: string };

export interface UploadApi {
  start(input: StartInput): Promise<StartUploadResponse>;
  status(uploadId: string): Promise<UploadStatus>;
  partUrls(uploadId: string, partNumbers: number[]): Promise<PartUrlsResponse>;
  complete(uploadId: string, parts?: CompletedPart[]): Promise<{ file: DriveFile }>;
  abort(uploadId: string): Promise<void>;
}

/** The server refused or failed; status 0 when it could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const BASE = "/api/drive/uploads";

async function call<S extends z.ZodType>(
  schema: S | null,
  path: string,
  init: RequestInit,
): Promise<z.output<S> | null> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: init.body ? { "content-type": "application/json" } : undefined,
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "Stratus could not be reached. Check your connection.");
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say; the status tells what happened.
  }
  if (!res.ok) {
    const parsed = apiErrorSchema.safeParse(body);
    const message = parsed.success ? parsed.data.message : `The server answered ${res.status}.`;
    throw new ApiError(res.status, message, parsed.success ? parsed.data.errors : undefined);
  }
  if (!schema) return null;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, "The server sent an unexpected answer.");
  return parsed.data;
}

function must<T>(value: T | null): T {
  if (value === null) throw new ApiError(500, "The server sent an empty answer.");
  return value;
}

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });
const at = (uploadId: string) => `${BASE}/${encodeURIComponent(uploadId)}`;

export const httpUploadApi: UploadApi = {
  async start(input) {
    return must(await call(startResponseSchema, BASE, post(input)));
  },
  async status(uploadId) {
    return must(await call(uploadStatusSchema, at(uploadId), { method: "GET" }));
  },
  async partUrls(uploadId, partNumbers) {
    return must(await call(partUrlsResponseSchema, `${at(uploadId)}/parts`, post({ partNumbers })));
  },
  async complete(uploadId, parts) {
    const body = parts ? { parts } : {};
    return must(await call(completeResponseSchema, `${at(uploadId)}/complete`, post(body)));
  },
  async abort(uploadId) {
    await call(null, at(uploadId), { method: "DELETE" });
  },
};

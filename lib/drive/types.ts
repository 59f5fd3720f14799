// What the browser sees of Drive items. Shared by server modules, route handlers and client
// components, so it holds no server-only imports. Sizes are numbers (BigInt does not cross JSON;
// 2^53 bytes is far beyond any quota).

export type DriveFile = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  folderId: string | null;
  createdAt: string;
  updatedAt: string;
  trashedAt: string | null;
};

export type DriveFolder = {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
  trashedAt: string | null;
};

export type DriveUsage = { usedBytes: number; reservedBytes: number; quotaBytes: number };

// Every Drive route handler answers errors with this body (and a 4xx/5xx status).
export type DriveApiError = { message: string; errors?: Record<string, string[]> };

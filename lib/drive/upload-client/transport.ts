// How bytes travel to the store. The browser uses XMLHttpRequest (fetch has no upload progress);
// the benchmark and tests plug in their own. Kept apart from React and from the upload manager's logic.

export type PutRequest = {
  url: string;
  body: Blob;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Bytes of this request sent so far; may be called often. */
  onProgress: (loaded: number) => void;
};

export type PutResult = { etag: string | null };

export interface PutTransport {
  put(request: PutRequest): Promise<PutResult>;
}

/** A PUT to the store that failed; status 0 means the connection itself failed. */
export class StoreError extends Error {
  constructor(
    readonly status: number,
    message = status === 0 ? "network error" : `the storage server answered ${status}`,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export class AbortError extends Error {
  constructor() {
    super("aborted");
    this.name = "AbortError";
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === "AbortError";
}

export const xhrTransport: PutTransport = {
  put({ url, body, headers, signal, onProgress }) {
    return new Promise<PutResult>((resolve, reject) => {
      if (signal.aborted) {
        reject(new AbortError());
        return;
      }
      const xhr = new XMLHttpRequest();
      const onAbort = () => xhr.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      xhr.open("PUT", url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => {
        settle();
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(body.size);
          resolve({ etag: xhr.getResponseHeader("ETag") });
        } else {
          reject(new StoreError(xhr.status));
        }
      };
      xhr.onerror = () => {
        settle();
        reject(new StoreError(0));
      };
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => {
        settle();
        reject(new AbortError());
      };
      xhr.send(body);
    });
  },
};

/** For Node (benchmark): fetch streams the Blob; progress is reported once, at the end. */
export const fetchTransport: PutTransport = {
  async put({ url, body, headers, signal, onProgress }) {
    let res: Response;
    try {
      res = await fetch(url, { method: "PUT", body, headers, signal });
    } catch (err) {
      if (signal.aborted) throw new AbortError();
      throw new StoreError(0, err instanceof Error ? err.message : String(err));
    }
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new StoreError(res.status);
    onProgress(body.size);
    return { etag: res.headers.get("etag") };
  },
};

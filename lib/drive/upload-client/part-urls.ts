import type { UploadApi } from "./upload-api";

/**
 * Presigned part URLs, fetched in batches ahead of need and renewed when they are about to expire
 * or the store refused one (403). Concurrent workers share one request.
 */
export class PartUrls {
  private urls = new Map<number, { url: string; expiresAt: number }>();
  private pending: { numbers: Set<number>; promise: Promise<void> } | null = null;

  constructor(
    private readonly api: UploadApi,
    private readonly uploadId: string,
    private readonly now: () => number,
    private readonly opts: { urlBatchSize: number; urlMarginMs: number },
    private readonly upcoming: () => readonly number[],
  ) {}

  async get(partNumber: number, renew: boolean): Promise<string> {
    if (renew) this.urls.delete(partNumber);
    for (;;) {
      const cached = this.urls.get(partNumber);
      if (cached && cached.expiresAt - this.now() > this.opts.urlMarginMs) return cached.url;
      if (this.pending?.numbers.has(partNumber)) {
        await this.pending.promise;
        // A batch fetched moments ago is fresh; if it failed, the error surfaces below on refetch.
        const again = this.urls.get(partNumber);
        if (again) return again.url;
      }
      await this.fetch(partNumber);
      const fetched = this.urls.get(partNumber);
      if (fetched) return fetched.url;
    }
  }

  private async fetch(partNumber: number): Promise<void> {
    const margin = this.opts.urlMarginMs;
    const stale = (n: number) => {
      const c = this.urls.get(n);
      return !c || c.expiresAt - this.now() <= margin;
    };
    const numbers = [
      partNumber,
      ...this.upcoming()
        .filter((n) => n !== partNumber && stale(n))
        .slice(0, this.opts.urlBatchSize - 1),
    ];
    const promise = this.api.partUrls(this.uploadId, numbers).then((res) => {
      const expiresAt = Date.parse(res.expiresAt);
      for (const u of res.urls) this.urls.set(u.partNumber, { url: u.url, expiresAt });
    });
    const pending = { numbers: new Set(numbers), promise };
    this.pending = pending;
    try {
      await promise;
    } finally {
      if (this.pending === pending) this.pending = null;
    }
  }
}

import { ArrowLeft, SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { z } from "zod";
import { ContentSearchBox } from "@/components/search/content-search-box";
import { IndexStatus } from "@/components/search/index-status";
import { SearchResults } from "@/components/search/search-results";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { firstParam } from "@/lib/drive/schemas";
import { discoverFiles } from "@/lib/search/discover";
import { searchDrive } from "@/lib/search/query";
import { requestSearchIndex } from "@/lib/search/request";
import { searchStatus } from "@/lib/search/status";
import { parseQuery } from "@/lib/search/tokens";

export const metadata: Metadata = { title: "Search inside files" };

const SearchParams = z.object({ q: z.string().trim().max(200).catch("").default("") });

export default async function DriveSearchPage({ searchParams }: PageProps<"/drive/search">) {
  const user = await requireUser("/drive/search");
  const { q } = SearchParams.parse(firstParam(await searchParams));
  // Files made outside an upload (Image Studio, MapReduce outputs) are found here, and the
  // worker is asked to read them (at most every 10 s per user).
  // New files are known at once, so the status says "Indexing…" from the first render.
  const waiting = await discoverFiles(user.id);
  if (waiting > 0) await requestSearchIndex(user.id, { throttleMs: 10_000 });
  const status = await searchStatus(user.id);
  return (
    <div className="grid gap-5">
      <div className="grid gap-3">
        <Button asChild variant="link" className="h-auto justify-self-start p-0 text-sm">
          <Link href="/drive">
            <ArrowLeft aria-hidden />
            My Drive
          </Link>
        </Button>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
          <h1 className="text-2xl font-semibold tracking-tight">Search inside files</h1>
          <ContentSearchBox q={q} className="relative w-full sm:w-96" />
        </div>
        <IndexStatus initial={status} />
      </div>
      {q ? (
        <Suspense key={q} fallback={<ResultsSkeleton />}>
          <Results userId={user.id} q={q} />
        </Suspense>
      ) : (
        <Empty
          title="Search the words inside your files"
          body='Text, Markdown, CSV, code, PDF, Word, Excel and PowerPoint files are read. Every word must match; put words in quotes for an exact phrase, e.g. "quarterly revenue".'
        />
      )}
    </div>
  );
}

async function Results({ userId, q }: { userId: string; q: string }) {
  if (parseQuery(q).terms.length === 0)
    return <Empty title="Nothing to search for" body="Use letters or digits in your search." />;
  const { hits, total } = await searchDrive(userId, q);
  if (hits.length === 0)
    return (
      <Empty
        title={`No files contain “${q}”`}
        body="Check the spelling, use fewer words, or wait until new files are indexed."
      />
    );
  return (
    <div className="grid gap-3">
      <p className="text-sm text-muted-foreground" data-testid="search-count">
        {total === 1 ? "1 file" : `${total.toLocaleString("en")} files`} contain
        {total === 1 ? "s" : ""} “{q}”{total > hits.length && ` · showing the best ${hits.length}`}
      </p>
      <SearchResults hits={hits} />
    </div>
  );
}

function Empty({ title, body }: { title: string; body: string }) {
  return (
    <div className="grid justify-items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h2 className="font-medium">{title}</h2>
      <p className="max-w-md text-sm text-muted-foreground">{body}</p>
    </div>
  );
}

function ResultsSkeleton() {
  return (
    <div aria-busy="true" className="grid gap-3">
      <span className="sr-only">Searching…</span>
      {Array.from({ length: 4 }, (_, i) => (
        <div key={i} className="grid gap-2 rounded-lg border bg-card p-4">
          <div className="h-4 w-1/3 animate-pulse rounded bg-muted" />
          <div className="h-3 w-5/6 animate-pulse rounded bg-muted" />
          <div className="h-3 w-2/3 animate-pulse rounded bg-muted" />
        </div>
      ))}
    </div>
  );
}

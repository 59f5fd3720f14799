import type { BuiltinJobSpec } from "../schemas";
import type { ByteReducer, ListReducer, MergeOrder } from "../merge";
import {
  invertedIndexListReducer,
  invertedIndexMapper,
  invertedIndexReducer,
} from "./inverted-index";
import { distinctMapper, grepMapper, JOIN_SORT_KEYS, joinMapper, joinReducer } from "./text-jobs";
import { topNReducer } from "./top-n";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";
import { sumByteReducer, sumReducer, wordCountMapper } from "./word-count";

export function createBuiltinMapper(job: BuiltinJobSpec, ctx: BuiltinMapContext): BuiltinMapper {
  switch (job.kind) {
    case "word-count":
    case "top-n":
      return wordCountMapper(ctx);
    case "inverted-index":
      return invertedIndexMapper(ctx);
    case "grep":
      return grepMapper(ctx, job);
    case "distinct":
      return distinctMapper(ctx, job);
    case "join":
      return joinMapper(ctx, job);
  }
}

export function createBuiltinReducer(
  job: BuiltinJobSpec,
  ctx: BuiltinReduceContext,
): BuiltinReducer {
  switch (job.kind) {
    case "word-count":
    case "grep":
    case "distinct":
      return sumReducer(ctx);
    case "top-n":
      return topNReducer(ctx, job.n);
    case "inverted-index":
      return invertedIndexReducer(ctx);
    case "join":
      return joinReducer(ctx);
  }
}

/**
 * `sort` key options after -t TAB: the join also sorts on its side tag (left rows first), the
 * inverted index on the document id (each word's documents in order).
 */
export function builtinSortKeys(job: BuiltinJobSpec): string[] {
  if (job.kind === "join") return JOIN_SORT_KEYS;
  if (job.kind === "inverted-index") return ["-k1,1", "-k2,2"];
  return ["-k1,1", "-s"];
}

/** The order of builtinSortKeys for the in-process merge (merge.ts); null: `sort` only. */
export function builtinMergeOrder(job: BuiltinJobSpec): MergeOrder | null {
  if (job.kind === "join") return null;
  return job.kind === "inverted-index" ? "key-value" : "key";
}

/**
 * The job's reducer on bytes, for the in-process merge: word count's own; the others get their
 * string reducer behind an adapter (the inverted index has createBuiltinListReducer).
 */
export function createBuiltinByteReducer(
  job: BuiltinJobSpec,
  ctx: BuiltinReduceContext,
): ByteReducer {
  switch (job.kind) {
    case "word-count":
    case "grep":
    case "distinct":
      return sumByteReducer(ctx);
    default:
      return stringsReducer(createBuiltinReducer(job, ctx));
  }
}

/**
 * The job's reducer of distinct values a key at a time (mergeDistinctValues), where it has one:
 * the inverted index. The others take createBuiltinByteReducer.
 */
export function createBuiltinListReducer(
  job: BuiltinJobSpec,
  ctx: BuiltinReduceContext,
): ListReducer | null {
  return job.kind === "inverted-index" ? invertedIndexListReducer(ctx) : null;
}

/** A string reducer fed from bytes: keys and values as latin1 strings, as LineGrouper makes them. */
function stringsReducer(reducer: BuiltinReducer): ByteReducer {
  let open = false;
  return {
    record(buf, ks, ke, vs, ve, first) {
      if (first) {
        if (open) reducer.endGroup();
        reducer.startGroup(buf.toString("latin1", ks, ke));
        open = true;
      }
      reducer.value(buf.toString("latin1", vs, ve));
    },
    end() {
      if (open) reducer.endGroup();
      reducer.end();
    },
  };
}

import type { BuiltinJobSpec } from "../schemas";
import { invertedIndexMapper, invertedIndexReducer } from "./inverted-index";
import { distinctMapper, grepMapper, JOIN_SORT_KEYS, joinMapper, joinReducer } from "./text-jobs";
import { topNReducer } from "./top-n";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";
import { sumReducer, wordCountMapper } from "./word-count";

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

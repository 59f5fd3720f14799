import "server-only";

// Bounds of Drive search, per user and per file: what one tenant's files may cost the worker,
// the object store and the database.

/** Files larger than this are not read for search (their names still match in Drive). */
export const MAX_EXTRACT_FILE_BYTES = 25 * 1024 * 1024;
/** Extracted text kept per file: longer texts are cut here (the start of a book is indexed). */
export const MAX_TEXT_CHARS = 1_000_000;
/** Wall-clock time one file's extraction may take before its process is killed. */
export const EXTRACT_TIMEOUT_MS = Number(process.env.SEARCH_EXTRACT_TIMEOUT_MS) || 20_000;
/** Heap of the extraction process: a PDF that balloons dies there, not in the worker. */
export const EXTRACT_HEAP_MB = 256;
/** Files a user may have indexed; beyond it files are skipped with a message. */
export const MAX_INDEXED_FILES = 5_000;
/** Extracted text a user may have indexed, in bytes, all files together. */
export const MAX_INDEXED_TEXT_BYTES = 200 * 1024 * 1024;
/** Distinct terms kept per file (the most frequent): bounds the postings one file adds. */
export const MAX_TERMS_PER_FILE = 20_000;
/** Files one run of the index job claims: the rest wait for the next round of the same run. */
export const CLAIM_BATCH = 50;
/** A claim older than this belongs to a run that died: another run may take the file. */
export const CLAIM_STALE_MS = 15 * 60 * 1000;
/** Words per passage fed to the inverted index: a term's tf counts passages that hold it. */
export const PASSAGE_WORDS = 32;
/** Longest term kept (the postings column's width). */
export const MAX_TERM_LENGTH = 64;

// What a search returns, shared by the server (lib/search/query.ts) and the results UI.
export type SnippetPart = { text: string; hit: boolean };
export type SearchHit = {
  fileId: string;
  name: string;
  folderId: string | null;
  folderPath: string;
  size: number;
  contentType: string;
  updatedAt: string;
  score: number;
  snippet: SnippetPart[];
};
export type SearchResults = { hits: SearchHit[]; total: number; terms: string[] };

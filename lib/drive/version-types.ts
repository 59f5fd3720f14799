// What the Versions dialog sees. No server imports.

export type FileVersionView = {
  id: string;
  size: number;
  contentType: string;
  /** When this content was uploaded. */
  createdAt: string;
  /** When a newer content replaced it; null for the current content. */
  replacedAt: string | null;
};

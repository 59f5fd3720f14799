import { randomUUID } from "node:crypto";

// Object keys never contain user-supplied names: the name lives in the database, the key is
// `users/<userId>/<uuid>` (optionally followed by more generated segments, e.g. a thumbnail).
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export class ForeignKeyError extends Error {
  constructor(key: string) {
    super(`object key is not owned by this user: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = "ForeignKeyError";
  }
}

function checkUserId(userId: string): void {
  if (!USER_ID.test(userId)) throw new Error(`invalid user id for a storage key: ${userId}`);
}

/** `users/<userId>/`: everything a user owns lives under it. */
export function userPrefix(userId: string): string {
  checkUserId(userId);
  return `users/${userId}/`;
}

export function newObjectKey(userId: string): string {
  return `${userPrefix(userId)}${randomUUID()}`;
}

export function isOwnedKey(userId: string, key: string): boolean {
  if (!USER_ID.test(userId)) return false;
  const prefix = `users/${userId}/`;
  if (!key.startsWith(prefix) || key.length > 1024) return false;
  return key
    .slice(prefix.length)
    .split("/")
    .every((s) => SEGMENT.test(s));
}

export function assertOwnedKey(userId: string, key: string): void {
  if (!isOwnedKey(userId, key)) throw new ForeignKeyError(key);
}

import { db } from "@/lib/db/client";
import { makeUser } from "@/lib/drive/test-helpers";

/**
 * A new user with one active Jetstream tracker on "climate", for tests that seed Pulse's tables;
 * the user's id goes into `users` for the test file's clean-up.
 */
export async function makeTestTracker(users: string[], scorer = "wink") {
  const ownerId = await makeUser();
  users.push(ownerId);
  return db.pulseTracker.create({
    data: {
      ownerId,
      name: "T",
      keywords: ["climate"],
      hashtags: [],
      languages: [],
      sources: ["jetstream"],
      scorer,
      status: "active",
    },
  });
}

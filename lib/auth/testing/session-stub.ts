// For route-handler tests over the real database: stands in for lib/auth/session, so a test
// signs a user in by setting `session.user`. Use with
//   vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

export const session = { user: null as null | { id: string } };

export const SESSION_ENDED = "Your session has ended. Sign in again.";

export async function currentUser() {
  return session.user
    ? { ...session.user, email: "x@y.test", name: "X", createdAt: new Date() }
    : null;
}

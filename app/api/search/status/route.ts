import { searchStatus } from "@/lib/search/status";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Where the signed-in user's search index stands (the results page polls it while indexing).
export const GET = withUser(async ({ user }) => json(await searchStatus(user.id)));

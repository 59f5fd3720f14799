import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { publicRoute } from "@/lib/server/route";

// next-auth's own endpoints (sign-in, sign-out, session, CSRF token): public by nature, and they
// take form bodies. Cross-site writes are refused like everywhere else.
const handler = publicRoute<{ nextauth: string[] }>(
  ({ request, params }) =>
    NextAuth(request as never, { params: Promise.resolve(params) } as never, authOptions()),
  { body: "any" },
);

export { handler as GET, handler as POST };

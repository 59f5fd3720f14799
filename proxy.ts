import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

// A first, cheap gate: signed-out visitors of app routes go to the login page and come back after.
// Pages, server actions and route handlers still check the session themselves.
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: process.env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  const login = new URL("/login", request.url);
  login.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: [
    "/home/:path*",
    "/drive/:path*",
    "/images/:path*",
    "/jobs/:path*",
    "/pulse/:path*",
    "/profile/:path*",
  ],
};

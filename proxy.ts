import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/log/request-id";

// Every request gets an id (nginx's, else a new one) that route handlers, actions and the jobs they
// start log with (lib/log); the response carries it back.
// Then a first, cheap gate: signed-out visitors of app routes go to the login page and come back
// after. Pages, server actions and route handlers still check the session themselves.
const GATED = /^\/(home|drive|images|mapreduce|pulse|profile)(\/|$)/;

export async function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  const { pathname, search } = request.nextUrl;
  if (GATED.test(pathname)) {
    const token = await getToken({ req: request, secret: process.env.NEXTAUTH_SECRET });
    if (!token) {
      const login = new URL("/login", request.url);
      login.searchParams.set("next", `${pathname}${search}`);
      const redirect = NextResponse.redirect(login);
      redirect.headers.set(REQUEST_ID_HEADER, requestId);
      return redirect;
    }
  }
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = {
  // Everything but build assets, which carry no work worth tracing.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};

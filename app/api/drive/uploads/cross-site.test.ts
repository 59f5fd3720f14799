import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { session } from "@/lib/auth/testing/session-stub";
import { POST as start } from "./route";

// The attack of issue 14 item 6, as a browser performs it: the victim is signed in to Stratus and
// visits a hostile page (another site, or a sibling origin such as the local S3 store on another
// port of the same host). That page posts a form with enctype="text/plain", which needs no CORS
// preflight and carries the session cookie under SameSite=Lax when it is same-site; the body is
// shaped like JSON. Before the front door checked Origin, Sec-Fetch-Site and the content type,
// the route reserved quota and created an upload in the victim's account.

vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const users: string[] = [];
afterAll(async () => {
  await db.user.deleteMany({ where: { id: { in: users } } });
});
let victim = "";
beforeEach(async () => {
  const user = await db.user.create({
    data: { email: `xs-${randomUUID().slice(0, 12)}@attack.test`, name: "V", passwordHash: "x" },
  });
  users.push(user.id);
  victim = user.id;
  session.user = { id: victim };
});

// What a text/plain form post with one field named `{"name":"pwned.txt","size":1,"x":"` and the
// value `"}` sends: the browser joins them with "=".
const FORM_BODY = '{"name":"pwned.txt","size":1,"x":"="}';

function formPost(headers: Record<string, string>) {
  return new Request("http://stratus.test/api/drive/uploads", {
    method: "POST",
    body: FORM_BODY,
    headers: { host: "stratus.test", "content-type": "text/plain", ...headers },
  });
}

const uploads = () => db.upload.count({ where: { ownerId: victim } });

describe("cross-site writes to a route (issue 14 item 6)", () => {
  it("refuses a text/plain form post from another site", async () => {
    const res = await start(
      formPost({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }),
    );
    expect(res.status).toBe(403);
    expect(await uploads()).toBe(0);
  });

  it("refuses a post from a sibling origin on the same host (the S3 store's port)", async () => {
    const res = await start(
      formPost({
        origin: "http://stratus.test:4569",
        "sec-fetch-site": "same-site",
        "content-type": "application/json",
      }),
    );
    expect(res.status).toBe(403);
    expect(await uploads()).toBe(0);
  });

  it("refuses a sibling origin's post from a browser that sends no Sec-Fetch-Site", async () => {
    const res = await start(formPost({ origin: "http://stratus.test:4569" }));
    expect(res.status).toBe(403);
    expect(await uploads()).toBe(0);
  });

  it("refuses a text/plain body even from the same origin", async () => {
    const res = await start(
      formPost({ origin: "http://stratus.test", "sec-fetch-site": "same-origin" }),
    );
    expect(res.status).toBe(415);
    expect(await uploads()).toBe(0);
  });

  it("still accepts the app's own JSON request", async () => {
    const res = await start(
      formPost({
        origin: "http://stratus.test",
        "sec-fetch-site": "same-origin",
        "content-type": "application/json",
      }),
    );
    expect(res.status).toBe(201);
    expect(await uploads()).toBe(1);
  });
});

// The rendered-page copies for visitors who are not signed in (app/http/page-cache.server.ts), driven over real HTTP
// with a stand-in for the app that renders a page carrying its nonce and request id as FORT's pages do.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { markDirectoryChanged } from "~/directory/map-snapshot.server";
import { clearPageCache, pageCache, pageCacheKey } from "~/http/page-cache.server";
import { contentSecurityPolicy, createNonce } from "~/security/headers.server";

let server: Server;
let base: string;
let renders = 0;
/** What the stand-in app does for the next request, beside rendering. */
let extra: (response: ServerResponse) => number = () => 200;

function app(request: IncomingMessage, response: ServerResponse & { locals?: Record<string, unknown> }) {
  renders++;
  const nonce = createNonce();
  const status = extra(response);
  response.statusCode = status;
  response.setHeader("Content-Type", "text/html; charset=utf-8");
  response.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
  response.setHeader("Cache-Control", "no-store");
  // Written in pieces, as a streamed render is.
  response.write(`<!DOCTYPE html><html><body><p>render ${renders}</p><p>${request.url}</p>`);
  response.write(`<script nonce="${nonce}">window.requestId = "${response.locals!.requestId}";</script>`);
  response.end(`<script nonce="${nonce}" src="/x.js"></script></body></html>`);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const res = Object.assign(response, { locals: { requestId: randomUUID() } });
    res.setHeader("X-Request-Id", String(res.locals.requestId));
    pageCache(request, res, () => app(request, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  clearPageCache();
  renders = 0;
  extra = () => 200;
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { headers });
  const text = await response.text();
  const nonce = /'nonce-([^']+)'/.exec(response.headers.get("Content-Security-Policy") ?? "")?.[1];
  return { status: response.status, text, nonce, requestId: response.headers.get("X-Request-Id"), headers: response.headers };
}

describe("copies of the directory page for visitors who are not signed in", () => {
  it("serves the second visit from the copy, with its own nonce and request id in the header and the page", async () => {
    const first = await get("/?need=safe");
    const second = await get("/?need=safe");
    expect(second.text).toContain("render 1");
    expect(renders).toBe(1);
    expect(second.nonce).toBeTruthy();
    expect(second.nonce).not.toBe(first.nonce);
    expect(second.text).toContain(`nonce="${second.nonce}"`);
    expect(second.text).not.toContain(first.nonce!);
    expect(second.text).toContain(`window.requestId = "${second.requestId}"`);
    expect(second.headers.get("Cache-Control")).toBe("no-store");
    // Another address, another copy.
    expect((await get("/?need=nurtured")).text).toContain("render 2");
  });

  it("renders again as soon as the directory changes", async () => {
    await get("/");
    await get("/");
    expect(renders).toBe(1);
    await markDirectoryChanged();
    expect((await get("/")).text).toContain("render 2");
  });

  it("keeps one copy per language, and never uses one for a signed-in person, ?lang= or another page", async () => {
    await get("/", { "Accept-Language": "pl" });
    expect((await get("/", { "Accept-Language": "en-GB" })).text).toContain("render 2");
    expect((await get("/", { Cookie: "fort_lang=pl" })).text).toContain("render 1");
    expect((await get("/", { Cookie: "fort_lang=pl; fort_session=abc" })).text).toContain("render 3");
    expect((await get("/?lang=pl")).text).toContain("render 4");
    expect((await get("/services/x")).text).toContain("render 5");
    expect((await get("/services/x")).text).toContain("render 6");
    expect(pageCacheKey({ method: "POST", url: "/", headers: {} })).toBeNull();
  });

  it("never keeps a page that sets a cookie or is not a plain 200", async () => {
    extra = (response) => {
      response.setHeader("Set-Cookie", "a=b");
      return 200;
    };
    await get("/");
    expect((await get("/")).text).toContain("render 2");
    extra = () => 400;
    await get("/?age=three");
    expect((await get("/?age=three")).text).toContain("render 4");
  });
});

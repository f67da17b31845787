// Issue 12, tested from outside as an attacker would: over real HTTP against the built server.
// Requests that must come from a particular client address use node:http with a chosen local address
// (127.0.0.x are all this machine), so each test has its own client and leaves the others' limits alone.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { REDIRECT_BYPASSES } from "../test/support/redirect-bypasses";
import { DEMO, expect, signIn, test } from "./fixtures";

const PORT = Number(process.env.E2E_PORT ?? 3100);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(
  method: "GET" | "POST",
  pathname: string,
  options: { from?: string; host?: string; form?: Record<string, string>; headers?: Record<string, string>; port?: number } = {},
): Promise<Answer> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: options.host ?? "127.0.0.1",
        port: options.port ?? PORT,
        path: pathname,
        method,
        agent: false,
        localAddress: options.from,
        headers: {
          ...(body !== undefined
            ? { "Content-Type": "application/x-www-form-urlencoded", Origin: `http://${options.host ?? "127.0.0.1"}:${options.port ?? PORT}` }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function cookieFrom(answer: Answer): string {
  const setCookie = answer.headers["set-cookie"] ?? [];
  const session = setCookie.find((c) => c.startsWith("fort_session="));
  if (!session) throw new Error(`no session cookie (status ${answer.status})`);
  return session.split(";")[0]!;
}

async function signInOverHttp(who: { email: string; password: string }, from: string) {
  const answer = await send("POST", "/sign-in", { from, form: { email: who.email, password: who.password, redirectTo: "" } });
  expect(answer.status, answer.body.slice(0, 200)).toBe(302);
  return cookieFrom(answer);
}

test.describe("planted links (javascript: URLs)", () => {
  test("registration refuses a javascript: website", async () => {
    const answer = await send("POST", "/organisations/register", {
      from: "127.0.0.21",
      form: {
        name: "Totally Real Family Help",
        description: "We help families, honestly we do.",
        email: "hello@totally-real.example.org",
        website: "javascript:alert(document.cookie)",
        contactName: "Mallory",
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("Enter a web address starting with https:// or http://");
  });

  test("an Open Referral import cannot put a javascript: link on a public page", async ({ page }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fort-feed-"));
    const feed = path.join(dir, "planted-feed.json");
    const serviceId = "7d3e9a10-0000-4000-8000-00000000a012";
    writeFileSync(
      feed,
      JSON.stringify({
        total_items: 1,
        total_pages: 1,
        page_number: 1,
        size: 1,
        first_page: true,
        last_page: true,
        empty: false,
        contents: [
          {
            id: serviceId,
            name: "Planted Link Parent Group",
            description: "A fictional group whose feed carries script where its website should be.",
            status: "active",
            url: "javascript:alert('service')",
            email: "hello@planted.example.org",
            organization: {
              id: "7d3e9a10-0000-4000-8000-00000000a0f0",
              name: "Planted Link Families",
              description: "A fictional organisation for the security test.",
              website: "javascript:alert('organisation')",
            },
            service_at_locations: [],
          },
        ],
      }),
    );
    try {
      await signIn(page, DEMO.coordinator);
      await page.goto("/coordinator/import");
      await page.getByLabel("Feed file").setInputFiles(feed);
      await page.getByRole("button", { name: "Check the file" }).click();
      await page.getByRole("button", { name: /Import 1 service/ }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Import complete" })).toBeVisible();
      const approved = await page.request.post("/coordinator/approvals", {
        form: { serviceId, decision: "approve" },
        headers: { Origin: new URL(page.url()).origin },
      });
      expect(approved.status()).toBe(200);

      await page.goto(`/services/${serviceId}`);
      await expect(page.getByRole("heading", { level: 1, name: "Planted Link Parent Group" })).toBeVisible();
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
      expect(await page.content()).not.toContain("javascript:alert");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe("redirect after sign-in", () => {
  test("the reported bypass lands on FORT, in Chromium", async ({ page }) => {
    await page.goto("/sign-in?redirectTo=%2F%09%2Fevil.example%2Fphish");
    await page.getByLabel("Email address").fill(DEMO.teacher.email);
    await page.getByLabel("Password").fill(DEMO.teacher.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
    expect(new URL(page.url()).host).toBe(`localhost:${PORT}`);
  });

  test("every known bypass falls back to the dashboard", async () => {
    const cookie = await signInOverHttp(DEMO.teacher, "127.0.0.22");
    for (const target of REDIRECT_BYPASSES) {
      const answer = await send("GET", `/sign-in?redirectTo=${encodeURIComponent(target)}`, { from: "127.0.0.22", headers: { Cookie: cookie } });
      expect(answer.status, target).toBe(302);
      expect(answer.headers.location, target).toBe("/dashboard");
    }
    const fine = await send("GET", `/sign-in?redirectTo=${encodeURIComponent("/referrals?page=2")}`, { from: "127.0.0.22", headers: { Cookie: cookie } });
    expect(fine.headers.location).toBe("/referrals?page=2");
  });
});

test.describe("sign-in limits", () => {
  const wrongGuess = (email: string, from: string, headers: Record<string, string> = {}) =>
    send("POST", "/sign-in", { from, headers, form: { email, password: "not the password", redirectTo: "" } });

  test("a made-up X-Forwarded-For does not give a client a fresh allowance", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const answer = await wrongGuess(`nobody-${i}@spoof.example.org`, "127.0.0.31", { "X-Forwarded-For": `198.51.100.${i + 1}` });
      statuses.push(answer.status);
    }
    expect(statuses).toContain(429);
  });

  test("one client's wrong guesses do not lock out another client", async () => {
    for (let i = 0; i < 22; i++) await wrongGuess(`nobody-${i}@lockout.example.org`, "127.0.0.32");
    expect((await wrongGuess("nobody-last@lockout.example.org", "127.0.0.32")).status).toBe(429);
    const other = await send("POST", "/sign-in", {
      from: "127.0.0.33",
      form: { email: DEMO.providerTwo.email, password: DEMO.providerTwo.password, redirectTo: "" },
    });
    expect(other.status).toBe(302);
  });

  test("100 simultaneous guesses at one account: no more than the limit are checked", async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => wrongGuess("parallel-target@fort.example.org", "127.0.0.34")));
    const checked = answers.filter((a) => a.status === 400).length;
    const refused = answers.filter((a) => a.status === 429).length;
    expect(checked + refused).toBe(100);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(10);
  });
});

test.describe("local mail viewer", () => {
  test("answers a client on this machine only", async () => {
    expect((await send("GET", "/dev/mail", { from: "127.0.0.41" })).status).toBe(200);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    test.skip(!external, "this machine has no non-loopback address to test from");
    const answer = await send("GET", "/dev/mail", { host: external!.address, from: external!.address });
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain("reset");
  });
});

test.describe("headers", () => {
  test("pages and .data responses with personal data are never stored; nosniff everywhere", async ({ page }) => {
    const cookie = await signInOverHttp(DEMO.healthVisitor, "127.0.0.51");
    for (const pathname of ["/referrals", "/referrals.data", "/dashboard", "/_root.data"]) {
      const answer = await send("GET", pathname, { from: "127.0.0.51", headers: { Cookie: cookie } });
      expect(answer.status, pathname).toBe(200);
      expect(answer.headers["cache-control"], pathname).toContain("no-store");
      expect(answer.headers["x-content-type-options"], pathname).toBe("nosniff");
    }
    for (const pathname of ["/api/oruk/services", "/healthz", "/favicon.svg"]) {
      const answer = await send("GET", pathname, { from: "127.0.0.51" });
      expect(answer.headers["x-content-type-options"], pathname).toBe("nosniff");
    }
    await page.goto("/");
  });

  test("every HTML page has a CSP nonce and no 'unsafe-inline' scripts, and the pages still work under it", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const check = async (pathname: string) => {
      const response = await page.goto(pathname);
      const csp = (await response!.allHeaders())["content-security-policy"] ?? "";
      const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc, pathname).not.toContain("unsafe-inline");
      expect(scriptSrc, pathname).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
      const styleSrc = csp.split(";").find((d) => d.trim().startsWith("style-src")) ?? "";
      expect(styleSrc, pathname).not.toContain("unsafe-inline");
    };
    for (const pathname of ["/", "/sign-in", "/organisations/register", "/forgot-password", "/shortlist", "/about/data", "/no-such-page"])
      await check(pathname);
    await page.goto("/");
    const serviceHref = await page.locator('a[href^="/services/"]').first().getAttribute("href");
    if (serviceHref) await check(serviceHref);
    await signIn(page, DEMO.coordinator);
    for (const pathname of ["/dashboard", "/coordinator/referrals", "/coordinator/reports", "/coordinator/approvals", "/coordinator/users"])
      await check(pathname);
    // Client-side navigation works (Remix hydrated under the policy).
    await page.goto("/dashboard");
    await page.getByRole("link", { name: "FORT", exact: true }).click();
    await expect(page).toHaveURL(/\/$/);
    expect(violations).toEqual([]);
  });
});

test.describe("live stream", () => {
  test("ends soon after sign-out", async () => {
    const cookie = await signInOverHttp(DEMO.providerOne, "127.0.0.61");
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<string>((resolve, reject) => {
      const req = http.get(
        {
          host: "127.0.0.1",
          port: PORT,
          path: "/referrals/events",
          agent: false,
          localAddress: "127.0.0.61",
          headers: { Cookie: cookie, Accept: "text/event-stream" },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.on("data", () => {});
          res.on("end", () => resolve("ended"));
          res.on("error", () => resolve("ended"));
          res.on("close", () => resolve("ended"));
        },
      );
      req.on("error", reject);
      timer = setTimeout(() => {
        resolve("still open");
        req.destroy();
      }, 30_000);
    }).finally(() => clearTimeout(timer));
    // Give the stream a moment to open, then sign out from the same browser session.
    await new Promise((r) => setTimeout(r, 500));
    const out = await send("POST", "/sign-out", { from: "127.0.0.61", headers: { Cookie: cookie }, form: {} });
    expect(out.status).toBeLessThan(400);
    expect(await ended).toBe("ended");
  });
});

test.describe("production settings", () => {
  // Far from the other end-to-end servers on this machine (their ports are near E2E_PORT).
  const PROD_PORT = PORT + 1117;
  function startProduction(env: Record<string, string>) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "fort-prod-"));
    const child = spawn("npx", ["remix-serve", "./build/server/index.js"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        FORT_LOCAL: "",
        FORT_E2E: "",
        SEED_DEMO_DATA: "",
        DATABASE_URL: "",
        PGLITE_DATA_DIR: dataDir,
        PORT: String(PROD_PORT),
        ...env,
      },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return {
      exited,
      output: () => output.replace(/^npm warn.*$/gm, "").trim(),
      stop: async () => {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await exited;
        }
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  test("without SMTP_URL, production stops at start-up with one sentence (so no mail in the log, no /dev/mail)", async () => {
    const server = startProduction({});
    try {
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(
        /^FORT cannot start: SMTP_URL must be set in production \(NODE_ENV=production or an APP_URL that is not on localhost\).*\.$/,
      );
    } finally {
      await server.stop();
    }
  });

  test("with an https APP_URL: HSTS on every response, no /dev/mail, no demo accounts", async () => {
    test.setTimeout(120_000);
    const server = startProduction({
      APP_URL: "https://fort.example.org",
      SMTP_URL: "smtp://127.0.0.1:1",
      DATA_ENCRYPTION_KEY: "dGVzdC1vbmx5LWtleS1mb3ItZm9ydC10ZXN0cy0zMmI=",
    });
    try {
      await expect
        .poll(async () => (await send("GET", "/healthz", { port: PROD_PORT }).catch(() => ({ status: 0 }))).status, { timeout: 90_000, intervals: [1000] })
        .toBe(200);
      for (const pathname of ["/", "/sign-in", "/healthz"]) {
        const answer = await send("GET", pathname, { port: PROD_PORT });
        expect(answer.headers["strict-transport-security"], pathname).toMatch(/max-age=\d{7,}/);
      }
      expect((await send("GET", "/dev/mail", { port: PROD_PORT })).status).toBe(404);
      const demo = await send("POST", "/sign-in", {
        port: PROD_PORT,
        form: { email: DEMO.coordinator.email, password: DEMO.coordinator.password, redirectTo: "" },
        headers: { Origin: "https://fort.example.org", Host: "fort.example.org" },
      });
      expect(demo.status).toBe(400);
    } finally {
      await server.stop();
    }
  });
});

import { createServer, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harvestServices, servicesUrl } from "~/openreferral/harvest.server";
import { importFeed } from "~/openreferral/import.server";
import { oruk, orukJson } from "../support/oruk-client";

// FORT's own Open Referral API, served over HTTP as another directory would serve theirs.
let server: Server;
let base: string;
const work = await mkdtemp(path.join(tmpdir(), "fort-oruk-harvest-"));

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const response = await oruk(req.url ?? "/");
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/oruk`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

describe("reading another directory's Open Referral API", () => {
  it("finds the services endpoint from the API's base address", () => {
    expect(servicesUrl("https://example.org/api/oruk/").toString()).toBe("https://example.org/api/oruk/services");
    expect(servicesUrl("https://example.org/api/oruk/services?page=2").toString()).toBe("https://example.org/api/oruk/services");
    expect(() => servicesUrl("ftp://example.org")).toThrow(/not an http\(s\) address/);
  });

  it("fetches every page and every service, and importing the result into the same directory changes nothing", async () => {
    const file = path.join(work, "services.ndjson");
    const count = await harvestServices(base, file, { perPage: 7 });
    const published = await orukJson("/api/oruk/services?per_page=1");
    expect(count).toBe(published.total_items);
    const report = await importFeed({ path: file }, { source: base, apply: false });
    expect(report.format).toBe("ndjson");
    expect(report.counts.invalid).toBe(0);
    // The public API leaves out contact emails and FORT's own fields; an import must not take them as removed.
    expect(report.items.filter((i) => i.entity === "service" && i.action !== "unchanged")).toEqual([]);
    expect(report.counts.service.unchanged).toBe(count);
  });

  it("says plainly when the address is not an Open Referral API", async () => {
    await expect(harvestServices(`${base}/nothing`, path.join(work, "x.ndjson"))).rejects.toThrow(/answered 404/);
    await expect(harvestServices("http://127.0.0.1:9/api", path.join(work, "y.ndjson"))).rejects.toThrow(/Could not reach/);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth/session.server";
import { sendReferral } from "~/referrals/commands.server";
import { loader as eventsLoader } from "~/routes/referrals.events";
import { SERVICE_A, demoUsers, serviceId, validInput } from "./referrals-helpers";

type Users = Awaited<ReturnType<typeof demoUsers>>;
let u: Users;
let serviceA: string;

beforeAll(async () => {
  u = await demoUsers();
  serviceA = await serviceId(SERVICE_A);
});

async function openStream(cookie?: string) {
  const controller = new AbortController();
  const request = new Request("http://localhost:3000/referrals/events", { headers: cookie ? { Cookie: cookie } : {}, signal: controller.signal });
  const response = (await eventsLoader({ request, params: {}, context: {} })) as Response;
  return { response, close: () => controller.abort() };
}

/** Everything the stream says within `ms`. */
async function readFor(response: Response, ms: number) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    text += decoder.decode(chunk.value);
  }
  reader.releaseLock();
  return text;
}

describe("the live stream", () => {
  it("refuses the signed-out with 401", async () => {
    const { response } = await openStream();
    expect(response.status).toBe(401);
  });

  it("tells a provider about its own organisation's referrals only, with ids and nothing personal", async () => {
    const one = await openStream((await startSession(u.providerOne.id)).split(";")[0]);
    const two = await openStream((await startSession(u.providerTwo.id)).split(";")[0]);
    expect(one.response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(one.response.headers.get("Cache-Control")).toContain("no-transform");
    try {
      const readingOne = readFor(one.response, 1500);
      const readingTwo = readFor(two.response, 1500);
      await new Promise((r) => setTimeout(r, 200));
      const { ids } = await sendReferral(u.healthVisitor, validInput([serviceA]));
      const [seenByOne, seenByTwo] = await Promise.all([readingOne, readingTwo]);
      expect(seenByOne).toContain(`event: referral\ndata: {"referralId":"${ids[0]}","kind":"state"}`);
      expect(seenByOne).not.toContain("Casey");
      expect(seenByTwo).not.toContain(ids[0]);
    } finally {
      one.close();
      two.close();
    }
  });
});

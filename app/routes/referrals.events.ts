import type { LoaderFunctionArgs } from "@remix-run/node";
import { getUser, sessionStillValid } from "~/auth/session.server";
import { trackStream } from "~/lifecycle.server";
import { subscribe } from "~/referrals/live.server";
import { eventConcerns } from "~/auth/policy.server";

// Server-sent events: one "referral" event (ids only) whenever a referral this user may see changes.
// The session is checked again every few seconds; once it has ended (sign-out, expiry, deactivation) the
// stream closes (issue 12). The browser then reconnects, gets 401 and stops.
const SESSION_RECHECK_MS = 5_000;

export async function loader({ request }: LoaderFunctionArgs) {
  // A status, not a sign-in redirect: EventSource gives up on an error status instead of retrying forever.
  const user = await getUser(request);
  if (!user) return new Response("Sign in to receive updates.", { status: 401 });
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          cleanup();
        }
      };
      const unsubscribe = await subscribe((event) => {
        if (eventConcerns(user, event)) send(`event: referral\ndata: ${JSON.stringify({ referralId: event.referralId, kind: event.kind })}\n\n`);
      });
      // A comment every 20 s keeps proxies from closing an idle stream.
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), 20_000);
      let checking = false;
      const recheck = setInterval(() => {
        if (checking) return;
        checking = true;
        sessionStillValid(request)
          .then((valid) => {
            if (!valid) cleanup();
          })
          .catch(() => {
            // The database did not answer: end the stream rather than deliver without a check.
            cleanup();
          })
          .finally(() => (checking = false));
      }, SESSION_RECHECK_MS);
      // At shutdown: tell the browser to reconnect soon (to another server, or this one restarted), then end.
      const untrack = trackStream(() => {
        send("retry: 1000\n: server restarting, reconnect\n\n");
        cleanup();
      });
      cleanup = () => {
        clearInterval(heartbeat);
        clearInterval(recheck);
        untrack();
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener("abort", () => cleanup(), { once: true });
      send("retry: 3000\n: connected\n\n");
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform keeps remix-serve's compression from buffering the stream.
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}

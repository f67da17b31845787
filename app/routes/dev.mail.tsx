import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { mailViewerEnabled, recentMail } from "~/mail/mail.server";

// Only where mail cannot leave the machine (no SMTP, a localhost address): a local install's outbox.
export async function loader({ request }: LoaderFunctionArgs) {
  if (!mailViewerEnabled(request)) throw new Response("Not found", { status: 404 });
  return { mail: await recentMail() };
}

export default function DevMail() {
  const { mail } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Mail sent by this local FORT</h1>
      <p>No mail server is configured, so FORT keeps its emails (and, without GOV.UK Notify, its text messages) here instead of sending them.</p>
      {mail.length === 0 && <p>No mail yet.</p>}
      {mail.map((m) => (
        <article key={m.id} className="ds_inset-text" aria-label={`${m.channel === "sms" ? "Text message" : "Email"} to ${m.to}: ${m.subject}`}>
          <h2 className="ds_h3">{m.subject}</h2>
          <p>
            {m.channel === "sms" ? "Text message to" : "To"}: {m.to} · {new Date(m.createdAt).toLocaleString("en-GB")}
          </p>
          <pre className="fort-pre-wrap">{linkify(m.text)}</pre>
        </article>
      ))}
    </>
  );
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export const meta: MetaFunction = () => [{ title: "Local mail – FORT" }];

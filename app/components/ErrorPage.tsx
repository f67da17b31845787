// The one error page. Every route's ErrorBoundary renders it, so a refusal or a failure reads the same
// everywhere: a plain heading for the status, the server's own sentence when it gave one, and a way on.
// Never a stack trace or an internal message in production (they can carry data and mean nothing to a family).
import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { RequestIdNote } from "./RequestIdNote";

interface StatusText {
  title: string;
  advice: string;
}

export const STATUS_TEXTS: Record<number, StatusText> = {
  400: { title: "Something is wrong with that request", advice: "Go back, check what you entered and try again." },
  403: {
    title: "You do not have access to this page",
    advice: "If you think you should, ask your organisation's administrator or a FORT coordinator.",
  },
  404: { title: "Page not found", advice: "The link may be wrong, or what it pointed to may have been removed." },
  405: { title: "That cannot be done here", advice: "Go back and use the buttons on the page." },
  409: {
    title: "Someone else changed this at the same time",
    advice: "Reload the page to see the latest version, then try again if it is still needed.",
  },
  410: { title: "This link no longer works", advice: "It has expired or has already been used." },
  413: { title: "That is too large", advice: "Send a smaller file or a shorter text." },
  415: { title: "That kind of file cannot be used here", advice: "Check the file type asked for on the page and try again." },
  429: { title: "Too many attempts", advice: "Wait a few minutes, then try again." },
  500: {
    title: "Sorry, there is a problem with FORT",
    advice: "Please try again in a few minutes. Nothing you sent has been lost if you saw a confirmation.",
  },
  503: { title: "FORT is not available just now", advice: "Please try again in a few minutes." },
};

/** The heading and advice for a status: its own, else the general one for its class (4xx or 5xx). */
export function statusText(status: number): StatusText {
  return STATUS_TEXTS[status] ?? (status >= 400 && status < 500 ? STATUS_TEXTS[400]! : STATUS_TEXTS[500]!);
}

export interface ErrorPageProps {
  status: number;
  /** The server's sentence for this case (a thrown `Response`'s text); shown for 4xx only. */
  message?: string;
  /** Headings that say more than the general one, by status (e.g. `{ 404: "Service not found" }`). */
  titles?: Partial<Record<number, string>>;
  back?: { to: string; label: string };
  /** Further ways on, shown before the back link (e.g. "Lost your link?" on a family's request page). */
  more?: { to: string; label: string }[];
  /** Developers only: the error's text, shown in development builds. */
  detail?: string;
}

export function ErrorPage({ status, message, titles, back = { to: "/", label: "Go to the list of services" }, more = [], detail }: ErrorPageProps) {
  const text = statusText(status);
  const title = titles?.[status] ?? text.title;
  // The server's own sentence is written for people and says more than the general advice, unless it only repeats the title.
  const same = (a: string, b: string) => a.replace(/\.$/, "").trim().toLowerCase() === b.replace(/\.$/, "").trim().toLowerCase();
  const ownSentence = status < 500 && message && !same(message, title) ? message : undefined;
  return (
    <>
      <h1>{title}</h1>
      <p>{ownSentence ?? text.advice}</p>
      {more.map((l) => (
        <p key={l.to}>
          <Link to={l.to}>{l.label}</Link>
        </p>
      ))}
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
      <RequestIdNote />
      {detail && (
        <details>
          <summary>Details for developers</summary>
          <pre>{detail}</pre>
        </details>
      )}
    </>
  );
}

/** What a route's ErrorBoundary returns: `export function ErrorBoundary() { return <RouteErrorBoundary … />; }`. */
export function RouteErrorBoundary(props: Omit<ErrorPageProps, "status" | "message" | "detail">) {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const message = typeof error.data === "string" && error.data.trim() ? error.data : undefined;
    return <ErrorPage {...props} status={error.status} message={message} />;
  }
  return <ErrorPage {...props} status={500} detail={developerDetail(error, import.meta.env.DEV)} />;
}

/** An unexpected error's stack, for a development build only; production shows nothing of it. */
export function developerDetail(error: unknown, isDevelopment: boolean): string | undefined {
  if (!isDevelopment || !(error instanceof Error)) return undefined;
  return error.stack ?? error.message;
}

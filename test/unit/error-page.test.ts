// The one error page: what a person reads for each status, and that a failure never shows its insides.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { RouterProvider, createMemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { ErrorPage, developerDetail, type ErrorPageProps } from "~/components/ErrorPage";

// A data router, as in the app: the page reads the request id from the root route's data.
const render = (props: ErrorPageProps) =>
  renderToStaticMarkup(createElement(RouterProvider, { router: createMemoryRouter([{ path: "/", element: createElement(ErrorPage, props) }]) }));
const heading = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)?.[1];

describe("the error page", () => {
  it("gives each status its own plain heading", () => {
    const headings = {
      400: "Something is wrong with that request",
      403: "You do not have access to this page",
      404: "Page not found",
      409: "Someone else changed this at the same time",
      413: "That is too large",
      415: "That kind of file cannot be used here",
      429: "Too many attempts",
      500: "Sorry, there is a problem with FORT",
      503: "FORT is not available just now",
    };
    for (const [status, text] of Object.entries(headings)) expect(heading(render({ status: Number(status) })), status).toBe(text);
    expect(heading(render({ status: 422 }))).toBe(headings[400]);
    expect(heading(render({ status: 502 }))).toBe(headings[500]);
  });

  it("shows the server's own sentence for a refusal, and a route's own heading", () => {
    const html = render({ status: 404, message: "We could not find that service.", titles: { 404: "Service not found" } });
    expect(heading(html)).toBe("Service not found");
    expect(html).toContain("We could not find that service.");
  });

  it("does not repeat the heading as its sentence", () => {
    const html = render({ status: 403, message: "You do not have access to this page." });
    expect(html.match(/do not have access/g)).toHaveLength(1);
    expect(html).toContain("ask your organisation");
  });

  it("never shows a server error's text", () => {
    const html = render({ status: 500, message: 'relation "referrals" does not exist' });
    expect(html).not.toContain("relation");
    expect(html).toContain("Please try again in a few minutes");
  });

  it("links the way on", () => {
    expect(render({ status: 404 })).toContain('href="/"');
    expect(render({ status: 404, back: { to: "/referrals", label: "Back to referrals" } })).toMatch(/<a [^>]*href="\/referrals">Back to referrals<\/a>/);
  });

  it("keeps the stack for developers and out of production", () => {
    const error = new Error("boom at child Morgan's record");
    expect(developerDetail(error, false)).toBeUndefined();
    expect(render({ status: 500, detail: developerDetail(error, false) })).not.toContain("boom");
    expect(developerDetail(error, true)).toContain("boom");
    expect(render({ status: 500, detail: developerDetail(error, true) })).toContain("Details for developers");
    expect(developerDetail("not an error", true)).toBeUndefined();
  });
});

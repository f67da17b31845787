// Any address no other route matches: a 404 through the root error page, with the root loader run,
// so that page has the request id to quote like every other error page.
export async function loader() {
  throw new Response("There is no page at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}

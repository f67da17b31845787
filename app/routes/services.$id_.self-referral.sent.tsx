import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

// Where a request caught by the honeypot lands: it looks like success and keeps nothing.
export default function SelfReferralSent() {
  return (
    <>
      <h1>Request sent</h1>
      <p>Thank you. The service will be in touch.</p>
      <p>
        <Link to="/">Back to all services</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Request sent – FORT" }];

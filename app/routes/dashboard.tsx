import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { user };
}

const ROLE_NAMES = { coordinator: "FORT coordinator", referrer: "Referrer", provider: "Service provider" } as const;

export default function Dashboard() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="ds_page-header">
        <span className="ds_page-header__label ds_content-label">{ROLE_NAMES[user.role]}</span>
        <h1 className="ds_page-header__title">Hello, {user.name}</h1>
      </header>
      {user.organisations.length > 0 && (
        <p>
          You work for {user.organisations.map((o) => o.name).join(", ")}
          {user.organisations.some((o) => o.isAdmin) ? " (organisation admin)" : ""}.
        </p>
      )}
      <ul>
        <li>
          <Link to="/">Find services</Link>
        </li>
        {user.role === "referrer" && (
          <li>
            <Link to="/referrals">Your referrals</Link>
          </li>
        )}
        {user.role === "provider" && (
          <li>
            <Link to="/provider/referrals">Referral inbox</Link>
          </li>
        )}
        {user.role === "provider" && (
          <li>
            <Link to="/provider/services">Your organisation's services</Link>
          </li>
        )}
        {user.role === "provider" && user.organisations.some((o) => o.isAdmin) && (
          <li>
            <Link to="/provider/organisation">Your organisation's staff</Link>
          </li>
        )}
        {user.role === "coordinator" && (
          <>
            <li>
              <Link to="/coordinator/referrals">All referrals</Link>
            </li>
            <li>
              <Link to="/coordinator/approvals">Approvals</Link>
            </li>
            <li>
              <Link to="/coordinator/organisations">Organisations</Link>
            </li>
            <li>
              <Link to="/coordinator/stale">Stale records</Link>
            </li>
            <li>
              <Link to="/coordinator/users">People</Link>
            </li>
            <li>
              <Link to="/coordinator/audit">Audit log</Link>
            </li>
          </>
        )}
      </ul>
      <h2>Your sessions</h2>
      <p>Signed in somewhere else and not sure you signed out? This ends every session, on every device, including this one.</p>
      <Form method="post" action="/sign-out">
        <input type="hidden" name="everywhere" value="true" />
        <button type="submit" className="ds_button ds_button--secondary">
          Sign out everywhere
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Your dashboard – FORT" }];

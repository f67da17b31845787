import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { ReferralTable } from "~/referrals/components";
import { referrerDashboard } from "~/referrals/queries.server";
import { REFERRAL_STATES, STATE_LABELS } from "~/referrals/state-machine";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "referrer");
  const dashboard = (await referrerDashboard(user))!;
  return { ...dashboard, teamName: user.teamId ? "your team" : null };
}

export default function ReferrerDashboard() {
  const { items, needsAnswer, changed, overdue, drafts, teamName, nonWorkingDates } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const sent = Number(searchParams.get("sent") ?? 0);
  return (
    <>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">Your referrals</h1>
      </header>
      {sent > 0 && (
        <div className="ds_inset-text" role="status">
          <p className="ds_inset-text__text">
            Referral sent to {sent} service{sent === 1 ? "" : "s"}. You will see every answer here and by email.
          </p>
        </div>
      )}
      <p>
        <Link to="/referrals/new" className="ds_button">
          Make a new referral
        </Link>
      </p>
      <p>Your own referrals{teamName ? ` and ${teamName}'s` : ""}.</p>

      <h2>Waiting for your answer</h2>
      <p className="ds_hint-text">Services have asked for more information about these.</p>
      <ReferralTable items={needsAnswer} caption="Waiting for your answer" show={{ child: true, service: true }} nonWorkingDates={nonWorkingDates} />

      <h2>Changed since you last looked</h2>
      <ReferralTable items={changed} caption="Changed since you last looked" show={{ child: true, service: true }} nonWorkingDates={nonWorkingDates} />

      <h2>Overdue</h2>
      <p className="ds_hint-text">No response from the service within the expected number of working days.</p>
      <ReferralTable items={overdue} caption="Overdue" show={{ child: true, service: true }} nonWorkingDates={nonWorkingDates} />

      {drafts.length > 0 && (
        <>
          <h2>Drafts</h2>
          <p className="ds_hint-text">A draft nobody has saved for a while is deleted, to keep the family's details no longer than needed.</p>
          <ul className="ds_link-list">
            {drafts.map((d) => (
              <li key={d.id}>
                <Link to={`/referrals/new?draft=${d.id}`}>Continue the draft for {d.childName}</Link>
                {d.expiresSoon && (
                  <strong className="ds_tag">
                    {" "}
                    Deleted on{" "}
                    {new Date(d.expiresAt).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" })} unless
                    you save or send it
                  </strong>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>All referrals by state</h2>
      {REFERRAL_STATES.filter((state) => state !== "draft" && items.some((i) => i.state === state)).map((state) => (
        <section key={state} aria-labelledby={`state-${state}`}>
          <h3 id={`state-${state}`}>{STATE_LABELS[state]}</h3>
          <ReferralTable
            items={items.filter((i) => i.state === state)}
            caption={STATE_LABELS[state]}
            show={{ child: true, service: true, referrer: true }}
            nonWorkingDates={nonWorkingDates}
          />
        </section>
      ))}
      {items.length === 0 && <p>No referrals yet.</p>}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Your referrals – FORT" }];

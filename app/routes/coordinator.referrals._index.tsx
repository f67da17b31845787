import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { config } from "~/config.server";
import { ReferralTable } from "~/referrals/components";
import { STATE_LABELS } from "~/referrals/state-machine";
import { INBOX_TABS, type InboxTab } from "~/referrals/inbox";
import { coordinatorOverview } from "~/referrals/queries.server";
import { readQuery } from "~/http/query.server";

const querySchema = z.object({
  tab: z
    .enum(Object.keys(INBOX_TABS) as [InboxTab])
    .optional()
    .catch(undefined),
  overdue: z.literal("on").optional().catch(undefined),
});

// States and figures only: the coordinator's list carries no child's or family's details.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const query = querySchema.parse(Object.fromEntries(readQuery(request)));
  const { items, figures, nonWorkingDates } = await coordinatorOverview(user, { tab: query.tab, overdueOnly: query.overdue === "on", sort: "oldest" });
  return { items, query, figures, nonWorkingDates, overdueDays: config().REFERRAL_OVERDUE_WORKING_DAYS };
}

export default function CoordinatorReferrals() {
  const { items, query, figures, nonWorkingDates, overdueDays } = useLoaderData<typeof loader>();
  const overdue = items.filter((i) => i.overdue);
  return (
    <>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">All referrals</h1>
      </header>
      <p>Every referral's state, without personal details. A referral is overdue when a service has not responded within {overdueDays} working days.</p>
      <Form method="get" aria-label="Filter" className="fort-inbox-filters">
        <div className="ds_question">
          <label className="ds_label" htmlFor="filter-tab">
            State
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="filter-tab" name="tab" defaultValue={query.tab ?? ""}>
              <option value="">All states</option>
              {(Object.keys(INBOX_TABS) as InboxTab[]).map((tab) => (
                <option key={tab} value={tab}>
                  {INBOX_TABS[tab].label}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </div>
        <div className="ds_checkbox ds_checkbox--small">
          <input className="ds_checkbox__input" type="checkbox" id="filter-overdue" name="overdue" value="on" defaultChecked={query.overdue === "on"} />
          <label className="ds_checkbox__label" htmlFor="filter-overdue">
            Only overdue
          </label>
        </div>
        <button type="submit" className="ds_button ds_button--secondary ds_button--small">
          Apply
        </button>
      </Form>
      <h2>Figures</h2>
      <dl className="ds_summary-list" aria-label="Figures">
        {figures.byState.map((f) => (
          <div className="ds_summary-list__item" key={f.state}>
            <dt className="ds_summary-list__key">{STATE_LABELS[f.state]}</dt>
            <dd className="ds_summary-list__value">{f.count}</dd>
          </div>
        ))}
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Median time to first response</dt>
          <dd className="ds_summary-list__value">
            {figures.medianWorkingDaysToFirstResponse === null
              ? "No responses yet"
              : `${Number(figures.medianWorkingDaysToFirstResponse.toFixed(1))} working day${figures.medianWorkingDaysToFirstResponse === 1 ? "" : "s"}`}
          </dd>
        </div>
      </dl>
      <h2>Overdue ({figures.overdue})</h2>
      <ReferralTable items={overdue} caption="Overdue referrals" show={{ service: true, organisation: true }} nonWorkingDates={nonWorkingDates} />
      <h2>Referrals ({figures.total})</h2>
      {items.length < figures.total && <p>The oldest {items.length} are listed; narrow the list with the filters above.</p>}
      <ReferralTable items={items} caption="Referrals" show={{ service: true, organisation: true }} nonWorkingDates={nonWorkingDates} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "All referrals – FORT" }];

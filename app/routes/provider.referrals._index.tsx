import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { ReferralTable } from "~/referrals/components";
import { URGENCY_LABELS } from "~/referrals/forms";
import { INBOX_TABS, type InboxTab } from "~/referrals/inbox";
import { providerInbox } from "~/referrals/queries.server";
import { readQuery } from "~/http/query.server";

const querySchema = z.object({
  tab: z.enum(Object.keys(INBOX_TABS) as [InboxTab]).catch("new"),
  service: z.string().uuid().optional().catch(undefined),
  urgency: z.enum(["routine", "soon", "urgent"]).optional().catch(undefined),
  overdue: z.literal("on").optional().catch(undefined),
  sort: z.enum(["oldest", "newest", "urgency"]).catch("oldest"),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  const query = querySchema.parse(Object.fromEntries(readQuery(request)));
  const inbox = await providerInbox(user, {
    tab: query.tab,
    serviceId: query.service,
    urgency: query.urgency,
    overdueOnly: query.overdue === "on",
    sort: query.sort,
  });
  return { ...inbox, query, organisations: user.organisations.map((o) => o.name) };
}

export default function ProviderInbox() {
  const { items, counts, services, query, organisations, nonWorkingDates } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const hrefFor = (tab: InboxTab) => {
    const next = new URLSearchParams(searchParams);
    next.set("tab", tab);
    return `?${next}`;
  };
  return (
    <>
      <header className="ds_page-header">
        <span className="ds_page-header__label ds_content-label">{organisations.join(", ")}</span>
        <h1 className="ds_page-header__title">Referral inbox</h1>
      </header>
      {searchParams.get("forwarded") && (
        <div className="ds_inset-text" role="status">
          <p className="ds_inset-text__text">The referral was forwarded. It has left your inbox; its history went with it.</p>
        </div>
      )}
      <nav aria-label="Referrals by state">
        <ul className="fort-tabs">
          {(Object.keys(INBOX_TABS) as InboxTab[]).map((tab) => (
            <li key={tab}>
              <Link to={hrefFor(tab)} aria-current={query.tab === tab ? "page" : undefined}>
                {INBOX_TABS[tab].label} ({counts[tab] ?? 0})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="fort-inbox-filters" aria-label="Filter and sort">
        <input type="hidden" name="tab" value={query.tab} />
        <div className="ds_question">
          <label className="ds_label" htmlFor="filter-service">
            Service
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="filter-service" name="service" defaultValue={query.service ?? ""}>
              <option value="">All services</option>
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </div>
        <div className="ds_question">
          <label className="ds_label" htmlFor="filter-urgency">
            Urgency
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="filter-urgency" name="urgency" defaultValue={query.urgency ?? ""}>
              <option value="">Any urgency</option>
              {Object.entries(URGENCY_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </div>
        <div className="ds_question">
          <label className="ds_label" htmlFor="filter-sort">
            Sort by
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="filter-sort" name="sort" defaultValue={query.sort}>
              <option value="oldest">Oldest first</option>
              <option value="newest">Newest first</option>
              <option value="urgency">Most urgent first</option>
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
      <h2>
        {INBOX_TABS[query.tab].label} referrals ({items.length})
      </h2>
      <ReferralTable
        items={items}
        caption={`${INBOX_TABS[query.tab].label} referrals`}
        show={{ child: true, service: true, referrer: true }}
        nonWorkingDates={nonWorkingDates}
      />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Referral inbox – FORT" }];

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  return null;
}

export default function ExportDirectory() {
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <header className="ds_page-header">
          <span className="ds_page-header__label ds_content-label">Coordinator</span>
          <h1 className="ds_page-header__title">Export the directory</h1>
        </header>
        <p className="ds_lead">Download every service as an Open Referral UK (HSDS-UK 3.0) feed, to share with another directory or keep a copy.</p>
        <p>
          Exports include FORT's own details (such as capacity and how to be referred) in an <code>x_fort</code> field that other systems ignore, so importing
          an export into FORT loses nothing. Anyone can read the published services through the <a href="/api/oruk">Open Referral API</a> without signing in.
        </p>
        <form method="get" action="/coordinator/export/download">
          <fieldset>
            <legend className="ds_label">Which services</legend>
            <div className="ds_radio">
              <input className="ds_radio__input" type="radio" id="scope-public" name="scope" value="public" defaultChecked />
              <label className="ds_radio__label" htmlFor="scope-public">
                Published services (what the public sees)
              </label>
            </div>
            <div className="ds_radio">
              <input className="ds_radio__input" type="radio" id="scope-all" name="scope" value="all" />
              <label className="ds_radio__label" htmlFor="scope-all">
                Every service, including drafts, those awaiting approval and inactive ones
              </label>
            </div>
          </fieldset>
          <fieldset>
            <legend className="ds_label">Format</legend>
            <div className="ds_radio">
              <input className="ds_radio__input" type="radio" id="format-json" name="format" value="json" defaultChecked />
              <label className="ds_radio__label" htmlFor="format-json">
                JSON feed (one file)
              </label>
            </div>
            <div className="ds_radio">
              <input className="ds_radio__input" type="radio" id="format-tabular" name="format" value="tabular" />
              <label className="ds_radio__label" htmlFor="format-tabular">
                Tabular CSV files (zipped)
              </label>
            </div>
          </fieldset>
          <button type="submit" className="ds_button">
            Download
          </button>
        </form>
        <p>
          <Link to="/coordinator/import">Import services from a feed</Link>
        </p>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Export the directory – FORT" }];

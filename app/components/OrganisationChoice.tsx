// Which organisation a provider's form acts for. One organisation: sent along unseen. Several: the provider chooses
// (FORT never picks one for them).
export function OrganisationChoice({ organisations, selected }: { organisations: { id: string; name: string }[]; selected?: string | null }) {
  if (organisations.length === 1) return <input type="hidden" name="organisationId" value={organisations[0]!.id} />;
  return (
    <div className="ds_question">
      <label className="ds_label" htmlFor="organisationId">
        Organisation
      </label>
      <div className="ds_select-wrapper">
        <select className="ds_select" id="organisationId" name="organisationId" defaultValue={selected ?? ""} required>
          <option value="" disabled>
            Choose an organisation
          </option>
          {organisations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        <span className="ds_select-arrow" aria-hidden="true" />
      </div>
    </div>
  );
}

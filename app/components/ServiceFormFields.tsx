// The fields of the provider's service form, used by "add a service" and "edit a service".
import { type FieldMetadata, type FormMetadata, getCollectionProps, getInputProps } from "@conform-to/react";
import { CheckboxField, SelectField, TextAreaField, TextField } from "./forms";
import { WEEKDAYS } from "~/directory/format";
import type { Choice } from "~/directory/languages";
import { SERVICE_STATUS, emptyServiceLocation, type ServiceFormInput } from "~/directory/service-form";
import { CATEGORIES, SHANARRI } from "~/directory/taxonomy";
import { ACCESSIBILITY_FEATURES } from "~/organisations/location-form";

type Fields = ReturnType<FormMetadata<ServiceFormInput>["getFieldset"]>;
type Place = { id: string; name: string; postcode: string };
type AreaOption = Choice & { group?: string };

function CheckboxGroup({
  meta,
  legend,
  hint,
  options,
  id,
}: {
  meta: FieldMetadata<string[] | undefined>;
  legend: string;
  hint?: string;
  options: readonly { code: string; name: string }[];
  id?: string;
}) {
  const error = id ? undefined : meta.errors?.[0];
  return (
    <fieldset className={`ds_question${error ? " ds_question--error" : ""}`} id={id ?? meta.id} aria-describedby={error ? meta.errorId : undefined}>
      <legend className="ds_label">{legend}</legend>
      {hint && <p className="ds_hint-text">{hint}</p>}
      {error && (
        <p className="ds_question__error-message" id={meta.errorId}>
          {error}
        </p>
      )}
      <div className="ds_field-group">
        {getCollectionProps(meta, { type: "checkbox", options: options.map((o) => o.code) }).map((props) => (
          <div className="ds_checkbox ds_checkbox--small" key={props.key}>
            <input {...props} key={props.key} className="ds_checkbox__input" />
            <label className="ds_checkbox__label" htmlFor={props.id}>
              {options.find((o) => o.code === props.value)?.name}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

export interface ServiceFormChoices {
  locations: Place[];
  areaChoices: AreaOption[];
  languageChoices: Choice[];
}

/**
 * The whole service form. "Add another place" and "Remove" are submit buttons carrying conform's list intents, so
 * they work without JavaScript: the server re-renders the form with the row added or removed.
 */
export function ServiceFormFields({
  form,
  fields,
  locations,
  areaChoices,
  languageChoices,
}: ServiceFormChoices & { form: FormMetadata<ServiceFormInput>; fields: Fields }) {
  const places = fields.locations.getFieldList();
  const areaGroups = [...new Set(areaChoices.map((a) => a.group ?? "Other areas"))];
  return (
    <>
      <TextField meta={fields.name} label="Service name" />
      <TextField meta={fields.summary} label="Summary" hint="One sentence that tells a parent what this is." />
      <TextAreaField meta={fields.description} label="What it offers" rows={6} />
      <SelectField meta={fields.status} label="Is the service running?" options={Object.entries(SERVICE_STATUS).map(([value, label]) => ({ value, label }))} />

      <h2>Who it is for</h2>
      <TextField
        meta={fields.minAge}
        label="Youngest age (years)"
        hint="Leave empty for no lower limit. Use 0 for babies and parents-to-be."
        type="number"
        width="fixed-10"
      />
      <TextField meta={fields.maxAge} label="Oldest age (years)" hint="Leave empty for no upper limit." type="number" width="fixed-10" />
      <TextAreaField meta={fields.eligibilityCriteria} label="Who can use it (optional)" rows={3} />
      <CheckboxGroup meta={fields.shanarri} legend="Wellbeing indicators it supports (SHANARRI)" options={SHANARRI} />
      <CheckboxGroup meta={fields.categories} legend="Kinds of support" options={CATEGORIES} />
      <CheckboxGroup
        meta={fields.languages}
        legend="Languages it is offered in"
        hint="Interpreters booked on request do not count here."
        options={languageChoices}
      />

      <h2>How families get it</h2>
      <fieldset
        className={`ds_question${fields.acceptsProfessionalReferrals.errors?.length ? " ds_question--error" : ""}`}
        id={fields.acceptsProfessionalReferrals.id}
      >
        <legend className="ds_label">Referral routes</legend>
        {fields.acceptsProfessionalReferrals.errors?.[0] && <p className="ds_question__error-message">{fields.acceptsProfessionalReferrals.errors[0]}</p>}
        <div className="ds_field-group">
          <CheckboxField meta={fields.acceptsProfessionalReferrals} label="Professionals can refer families" />
          <CheckboxField meta={fields.acceptsSelfReferrals} label="Families can refer themselves" />
        </div>
      </fieldset>
      <CheckboxField meta={fields.isFree} label="The service is free" />
      <TextField meta={fields.costDescription} label="What it costs (if not free)" />

      <h2>Where and when</h2>
      <p>
        List every place the service runs, with its hours there. To add a building that is not in the list, <a href="/provider/locations/new">add a place</a>{" "}
        first.
      </p>
      {fields.locations.errors?.[0] && (
        <p className="ds_question__error-message" id={fields.locations.errorId}>
          {fields.locations.errors[0]}
        </p>
      )}
      {places.map((place, p) => {
        const f = place.getFieldset();
        const hours = f.hours.getFieldList();
        return (
          <fieldset className="ds_question fort-place" key={place.key} id={place.id}>
            <legend className="ds_label">
              <strong>Place {p + 1}</strong>
            </legend>
            <SelectField
              meta={f.locationId}
              label={`Place ${p + 1}: building`}
              placeholder="Choose a place"
              options={locations.map((l) => ({ value: l.id, label: `${l.name}, ${l.postcode}` }))}
            />
            <CheckboxGroup
              meta={f.accessibility}
              legend={`Place ${p + 1}: accessibility of the building`}
              hint="This describes the building, so it changes for every service there."
              options={ACCESSIBILITY_FEATURES.map((a) => ({ code: a, name: a }))}
            />
            <table className="ds_table">
              <caption className="ds_label">Place {p + 1}: opening hours (24-hour times like 09:00; leave a day empty when closed)</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Opens</th>
                  <th scope="col">Closes</th>
                </tr>
              </thead>
              <tbody>
                {hours.map((day, i) => {
                  const d = day.getFieldset();
                  return (
                    <tr key={day.key}>
                      <th scope="row">{WEEKDAYS[i]}</th>
                      {(["opens", "closes"] as const).map((which) => (
                        <td key={which}>
                          {d[which].errors?.[0] && (
                            <p className="ds_question__error-message" id={d[which].errorId}>
                              {d[which].errors![0]}
                            </p>
                          )}
                          <input
                            {...getInputProps(d[which], { type: "text" })}
                            key={d[which].key}
                            aria-label={`Place ${p + 1}, ${WEEKDAYS[i]} ${which === "opens" ? "opening" : "closing"} time`}
                            className={`ds_input ds_input--fixed-5${d[which].errors?.length ? " ds_input--error" : ""}`}
                            inputMode="numeric"
                            placeholder="hh:mm"
                          />
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {places.length > 1 && (
              <button
                {...form.remove.getButtonProps({ name: fields.locations.name, index: p })}
                className="ds_button ds_button--secondary ds_button--small"
                formNoValidate
              >
                Remove place {p + 1}
              </button>
            )}
          </fieldset>
        );
      })}
      <button
        {...form.insert.getButtonProps({ name: fields.locations.name, defaultValue: emptyServiceLocation() })}
        className="ds_button ds_button--secondary"
        formNoValidate
      >
        Add another place
      </button>

      <fieldset className="ds_question" id={fields.areas.id}>
        <legend className="ds_label">Areas served</legend>
        <p className="ds_hint-text">Where families can come from. Choose the whole council area, wards, or postcode districts.</p>
        {areaGroups.map((group) => (
          <CheckboxGroup
            key={group}
            id={`${fields.areas.id}-${group.replace(/\W+/g, "-").toLowerCase()}`}
            meta={fields.areas}
            legend={group}
            options={areaChoices.filter((a) => (a.group ?? "Other areas") === group)}
          />
        ))}
      </fieldset>

      <h2>Contact</h2>
      <TextField meta={fields.phone} label="Phone (optional)" type="tel" />
      <TextField meta={fields.email} label="Email (optional)" type="email" />
      <TextField meta={fields.url} label="Web page (optional)" type="url" />
    </>
  );
}

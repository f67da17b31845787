// The fields of the provider's service form, used by "add a service" and "edit a service".
import { type FieldMetadata, type FormMetadata, getCollectionProps, getInputProps } from "@conform-to/react";
import { CheckboxField, SelectField, TextAreaField, TextField } from "./forms";
import { WEEKDAYS } from "~/directory/format";
import { SERVICE_STATUS, type ServiceFormInput } from "~/directory/service-form";
import { CATEGORIES, SHANARRI } from "~/directory/taxonomy";

type Fields = ReturnType<FormMetadata<ServiceFormInput>["getFieldset"]>;

function CheckboxGroup({ meta, legend, hint, options }: { meta: FieldMetadata<string[] | undefined>; legend: string; hint?: string; options: readonly { code: string; name: string }[] }) {
  const error = meta.errors?.[0];
  return (
    <fieldset className={`ds_question${error ? " ds_question--error" : ""}`} id={meta.id} aria-describedby={error ? meta.errorId : undefined}>
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

export function ServiceFormFields({ fields, locations }: { fields: Fields; locations: { id: string; name: string; postcode: string }[] }) {
  const hours = fields.hours.getFieldList();
  return (
    <>
      <TextField meta={fields.name} label="Service name" />
      <TextField meta={fields.summary} label="Summary" hint="One sentence that tells a parent what this is." />
      <TextAreaField meta={fields.description} label="What it offers" rows={6} />
      <SelectField meta={fields.status} label="Is the service running?" options={Object.entries(SERVICE_STATUS).map(([value, label]) => ({ value, label }))} />

      <h2>Who it is for</h2>
      <TextField meta={fields.minAge} label="Youngest age (years)" hint="Leave empty for no lower limit. Use 0 for babies and parents-to-be." type="number" width="fixed-10" />
      <TextField meta={fields.maxAge} label="Oldest age (years)" hint="Leave empty for no upper limit." type="number" width="fixed-10" />
      <TextAreaField meta={fields.eligibilityCriteria} label="Who can use it (optional)" rows={3} />
      <CheckboxGroup meta={fields.shanarri} legend="Wellbeing indicators it supports (SHANARRI)" options={SHANARRI} />
      <CheckboxGroup meta={fields.categories} legend="Kinds of support" options={CATEGORIES} />

      <h2>How families get it</h2>
      <fieldset className={`ds_question${fields.acceptsProfessionalReferrals.errors?.length ? " ds_question--error" : ""}`} id={fields.acceptsProfessionalReferrals.id}>
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
      <SelectField meta={fields.locationId} label="Location" placeholder="Choose a location" options={locations.map((l) => ({ value: l.id, label: `${l.name}, ${l.postcode}` }))} />
      <fieldset className="ds_question">
        <legend className="ds_label">Opening hours</legend>
        <p className="ds_hint-text">Use 24-hour times like 09:00 and 17:30. Leave a day empty when closed.</p>
        <table className="ds_table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Opens</th>
              <th scope="col">Closes</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((day, i) => {
              const f = day.getFieldset();
              return (
                <tr key={day.key}>
                  <th scope="row">{WEEKDAYS[i]}</th>
                  {(["opens", "closes"] as const).map((which) => (
                    <td key={which}>
                      {f[which].errors?.[0] && (
                        <p className="ds_question__error-message" id={f[which].errorId}>
                          {f[which].errors![0]}
                        </p>
                      )}
                      <input
                        {...getInputProps(f[which], { type: "text" })}
                        key={f[which].key}
                        aria-label={`${WEEKDAYS[i]} ${which === "opens" ? "opening" : "closing"} time`}
                        className={`ds_input ds_input--fixed-5${f[which].errors?.length ? " ds_input--error" : ""}`}
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
      </fieldset>

      <h2>Contact</h2>
      <TextField meta={fields.phone} label="Phone (optional)" type="tel" />
      <TextField meta={fields.email} label="Email (optional)" type="email" />
      <TextField meta={fields.url} label="Web page (optional)" type="url" />
    </>
  );
}

import { type FormMetadata, getCollectionProps } from "@conform-to/react";
import { TextField } from "./forms";
import { ACCESSIBILITY_FEATURES, type LocationForm } from "~/organisations/location-form";

type Fields = ReturnType<FormMetadata<LocationForm>["getFieldset"]>;

export function LocationFormFields({ fields }: { fields: Fields }) {
  return (
    <>
      <TextField meta={fields.name} label="Name of the place" hint="For example: Lochee Community Hub" />
      <TextField meta={fields.address1} label="Street address" autoComplete="address-line1" />
      <TextField meta={fields.city} label="Town or city" autoComplete="address-level2" width="fluid-half" />
      <TextField meta={fields.postcode} label="Postcode" hint="We use it to put the place on the map." autoComplete="postal-code" width="fixed-10" />
      <fieldset className="ds_question">
        <legend className="ds_label">Accessibility</legend>
        <div className="ds_field-group">
          {getCollectionProps(fields.accessibility, { type: "checkbox", options: [...ACCESSIBILITY_FEATURES] }).map((props) => (
            <div className="ds_checkbox ds_checkbox--small" key={props.key}>
              <input {...props} key={props.key} className="ds_checkbox__input" />
              <label className="ds_checkbox__label" htmlFor={props.id}>
                {props.value}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </>
  );
}

// Form fields in the Scottish Government Design System's markup, wired to conform.
import { type FieldMetadata, getInputProps, getTextareaProps, getSelectProps } from "@conform-to/react";
import { createContext, useContext, useEffect, useRef, type ReactNode } from "react";

/**
 * How error messages read on this page. The schemas' messages are English; a public page (in the family's language,
 * issue 16) provides a translator through FormTextProvider in app/i18n/form-errors.tsx. Professionals' pages keep
 * the default.
 */
export interface FormText {
  error: (message: string) => string;
  problem: string;
}
const FormTextContext = createContext<FormText>({ error: (message) => message, problem: "There is a problem" });
export const FormTextProvider = FormTextContext.Provider;
/** The page's way of writing an error message (translated on public pages). */
export function useErrorText() {
  return useContext(FormTextContext).error;
}

interface FieldProps {
  label: string;
  hint?: ReactNode;
  className?: string;
}

function Question({ meta, label, hint, children }: FieldProps & { meta: FieldMetadata<unknown>; children: ReactNode }) {
  const errorText = useErrorText();
  const error = meta.errors?.[0] && errorText(meta.errors[0]);
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={meta.id}>
        {label}
      </label>
      {hint && (
        <p className="ds_hint-text" id={`${meta.id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="ds_question__error-message" id={meta.errorId}>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

function describedBy(meta: FieldMetadata<unknown>, hint: unknown) {
  return [hint ? `${meta.id}-hint` : null, meta.errors?.length ? meta.errorId : null].filter(Boolean).join(" ") || undefined;
}

export function TextField({
  meta,
  type = "text",
  autoComplete,
  width,
  ...props
}: FieldProps & {
  meta: FieldMetadata<string | number | undefined | null>;
  type?: "text" | "email" | "password" | "tel" | "url" | "number" | "date" | "search";
  autoComplete?: string;
  width?: "fixed-10" | "fixed-20" | "fixed-30" | "fluid-half" | "fluid-two-thirds";
}) {
  const m = meta as FieldMetadata<unknown>;
  return (
    <Question meta={m} {...props}>
      <input
        {...getInputProps(meta, { type, ariaDescribedBy: describedBy(m, props.hint) })}
        key={meta.key}
        autoComplete={autoComplete}
        className={`ds_input${meta.errors?.length ? " ds_input--error" : ""}${width ? ` ds_input--${width}` : ""}`}
      />
    </Question>
  );
}

export function TextAreaField({ meta, rows = 4, ...props }: FieldProps & { meta: FieldMetadata<string | undefined | null>; rows?: number }) {
  const m = meta as FieldMetadata<unknown>;
  return (
    <Question meta={m} {...props}>
      <textarea
        {...getTextareaProps(meta, { ariaDescribedBy: describedBy(m, props.hint) })}
        key={meta.key}
        rows={rows}
        className={`ds_input${meta.errors?.length ? " ds_input--error" : ""}`}
      />
    </Question>
  );
}

export function SelectField({
  meta,
  options,
  placeholder,
  ...props
}: FieldProps & { meta: FieldMetadata<string | undefined | null>; options: { value: string; label: string }[]; placeholder?: string }) {
  const m = meta as FieldMetadata<unknown>;
  return (
    <Question meta={m} {...props}>
      <div className="ds_select-wrapper">
        <select
          {...getSelectProps(meta, { ariaDescribedBy: describedBy(m, props.hint) })}
          key={meta.key}
          className={`ds_select${meta.errors?.length ? " ds_input--error" : ""}`}
        >
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <span className="ds_select-arrow" aria-hidden="true" />
      </div>
    </Question>
  );
}

export function CheckboxField({ meta, label, hint }: { meta: FieldMetadata<boolean | string | undefined | null>; label: string; hint?: string }) {
  return (
    <div className="ds_checkbox ds_checkbox--small">
      <input {...getInputProps(meta, { type: "checkbox", value: "on" })} key={meta.key} className="ds_checkbox__input" />
      <label className="ds_checkbox__label" htmlFor={meta.id}>
        {label}
      </label>
      {hint && <p className="ds_hint-text">{hint}</p>}
    </div>
  );
}

/** One choice from a few, as radio buttons in a fieldset; the first button takes the field's id (error links). */
export function RadioField({
  meta,
  legend,
  hint,
  options,
}: {
  meta: FieldMetadata<string | undefined | null>;
  legend: string;
  hint?: string;
  options: { value: string; label: string }[];
}) {
  const errorText = useErrorText();
  const error = meta.errors?.[0] && errorText(meta.errors[0]);
  const m = meta as FieldMetadata<unknown>;
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <fieldset aria-describedby={describedBy(m, hint)}>
        <legend>{legend}</legend>
        {hint && (
          <p className="ds_hint-text" id={`${meta.id}-hint`}>
            {hint}
          </p>
        )}
        {error && (
          <p className="ds_question__error-message" id={meta.errorId}>
            {error}
          </p>
        )}
        <div className="ds_field-group">
          {options.map((o, i) => (
            <div className="ds_radio ds_radio--small" key={o.value}>
              <input
                className="ds_radio__input"
                type="radio"
                id={i === 0 ? meta.id : `${meta.id}-${o.value}`}
                name={meta.name}
                value={o.value}
                defaultChecked={meta.initialValue === o.value}
              />
              <label className="ds_radio__label" htmlFor={i === 0 ? meta.id : `${meta.id}-${o.value}`}>
                {o.label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** Lists every error at the top of the page, each linking to its field, and takes focus when shown. */
export function ErrorSummary({ errors }: { errors: { id: string; message: string }[] }) {
  const text = useContext(FormTextContext);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus alone can leave the summary above the screen: the browser keeps the button in view while the messages
    // appear above it (scroll anchoring). Bring the summary to the top as well, so a phone shows it.
    if (errors.length) {
      ref.current?.focus({ preventScroll: true });
      ref.current?.scrollIntoView({ block: "start" });
    }
  }, [errors]);
  if (errors.length === 0) return null;
  return (
    <div className="ds_error-summary" aria-labelledby="error-summary-title" role="alert" tabIndex={-1} ref={ref}>
      <h2 className="ds_error-summary__title" id="error-summary-title">
        {text.problem}
      </h2>
      <ul className="ds_error-summary__list">
        {errors.map((e) => (
          <li key={e.id + e.message}>
            <a href={`#${e.id}`}>{text.error(e.message)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The errors of the named fields (and the form's own) for ErrorSummary. */
export function summariseErrors(
  form: { errors?: string[]; id: string },
  fields: Record<string, FieldMetadata<unknown> | undefined>,
): { id: string; message: string }[] {
  const list = Object.values(fields).flatMap((f) => (f?.errors ?? []).map((message) => ({ id: f!.id, message })));
  return [...(form.errors ?? []).map((message) => ({ id: form.id, message })), ...list];
}

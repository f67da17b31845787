// The directory's search form: a plain GET form, so every filter works before (or without) JavaScript.
import { Form, Link, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { SORT_LABELS, type Sort } from "~/directory/filters";
import { useVocabulary } from "~/i18n/vocabulary";
import { CATEGORIES, SHANARRI } from "~/directory/taxonomy";

export interface FilterValues {
  q: string;
  near: string;
  need: string[];
  category: string;
  age: string;
  area: string;
  referral: string;
  accepting: boolean;
  sort: string;
  /** Which half of the page a narrow screen shows: the list (default) or the map. */
  view: string;
}

export type FilterErrors = Partial<Record<keyof FilterValues, string>>;

function ErrorMessage({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p className="ds_question__error-message" id={id}>
      {message}
    </p>
  ) : null;
}

export function DirectoryFilters({
  values,
  errors,
  areas,
  sorts,
}: {
  values: FilterValues;
  errors: FilterErrors;
  areas: { code: string; name: string }[];
  sorts: Sort[];
}) {
  const filtered = values.need.length > 0 || !!values.category || !!values.age || !!values.area || !!values.referral || values.accepting;
  const open = filtered || Object.keys(errors).some((k) => k !== "q" && k !== "near");
  const submit = useSubmit();
  const { t, shanarri, category } = useVocabulary();
  const form = useRef<HTMLFormElement>(null);
  // With JavaScript, choices apply as soon as they are made; typing still waits for "Search".
  const applyNow = () => form.current && submit(form.current, { replace: true, preventScrollReset: true });
  // After a navigation (back button, "Clear all filters", a map move) the fields show the search in the URL.
  const valuesKey = JSON.stringify(values);
  // Not when the page first hydrates: the server rendered the fields from this same URL, and words typed before
  // the page's JavaScript arrived (a slow phone) must not be wiped.
  const hydrated = useRef(false);
  useEffect(() => {
    if (!hydrated.current) {
      hydrated.current = true;
      return;
    }
    const elements = form.current?.elements;
    if (!elements) return;
    for (const element of Array.from(elements)) {
      if (element instanceof HTMLInputElement && element.type === "checkbox") {
        element.checked = element.name === "need" ? values.need.includes(element.value) : element.name === "accepting" ? values.accepting : element.checked;
      } else if ((element instanceof HTMLInputElement || element instanceof HTMLSelectElement) && element.name in values) {
        const value = values[element.name as keyof FilterValues];
        if (typeof value === "string" && element.value !== value) element.value = value;
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [valuesKey]);
  const invalid = (field: keyof FilterValues) => (errors[field] ? { "aria-invalid": true, "aria-describedby": `${field}-error` } : {});

  return (
    <Form method="get" action="/" ref={form} className="ds_search-filters fort-directory__filters" role="search" aria-label={t("filters.label")} id="filters">
      {values.view === "map" && <input type="hidden" name="view" value="map" />}
      <div className="ds_search-filters__search">
        <div className={`ds_question${errors.q ? " ds_question--error" : ""}`}>
          <label className="ds_label" htmlFor="q">
            {t("filters.q")}
          </label>
          <p className="ds_hint-text" id="q-hint">
            {t("filters.qHint")}
          </p>
          <ErrorMessage id="q-error" message={errors.q} />
          <input
            className={`ds_input${errors.q ? " ds_input--error" : ""}`}
            type="search"
            id="q"
            name="q"
            defaultValue={values.q}
            enterKeyHint="search"
            aria-describedby={errors.q ? "q-hint q-error" : "q-hint"}
            aria-invalid={errors.q ? true : undefined}
          />
        </div>
        <div className={`ds_question${errors.near ? " ds_question--error" : ""}`}>
          <label className="ds_label" htmlFor="near">
            {t("filters.near")}
          </label>
          <p className="ds_hint-text" id="near-hint">
            {t("filters.nearHint")}
          </p>
          <ErrorMessage id="near-error" message={errors.near} />
          <input
            className={`ds_input${errors.near ? " ds_input--error" : ""}`}
            type="text"
            id="near"
            name="near"
            autoComplete="postal-code"
            defaultValue={values.near}
            aria-describedby={errors.near ? "near-hint near-error" : "near-hint"}
            aria-invalid={errors.near ? true : undefined}
          />
        </div>
        <button type="submit" className="ds_button fort-directory__search-button">
          {t("filters.search")}
        </button>
      </div>

      <h2 className="ds_search-filters__title ds_h4">{t("filters.filterBy")}</h2>
      <details className="ds_details fort-directory__more" open={open}>
        <summary className="ds_details__summary">{filtered ? t("filters.inUse") : t("filters.summary")}</summary>
        <div className="ds_details__text">
          <fieldset className={`ds_question${errors.need ? " ds_question--error" : ""}`} aria-describedby="need-hint">
            <legend className="ds_label">{t("filters.needs")}</legend>
            <p className="ds_hint-text" id="need-hint">
              {t("filters.needsHint")}
            </p>
            <ErrorMessage id="need-error" message={errors.need} />
            <div className="ds_search-filters__checkboxes">
              {SHANARRI.map((s) => (
                <div className="ds_checkbox ds_checkbox--small" key={s.code}>
                  <input
                    className="ds_checkbox__input"
                    type="checkbox"
                    id={`need-${s.code}`}
                    name="need"
                    value={s.code}
                    defaultChecked={values.need.includes(s.code)}
                    onChange={applyNow}
                  />
                  <label className="ds_checkbox__label" htmlFor={`need-${s.code}`}>
                    {shanarri(s.code)}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>

          <Select id="category" label={t("filters.kind")} value={values.category} error={errors.category} onChange={applyNow}>
            <option value="">{t("filters.anyKind")}</option>
            {CATEGORIES.map((c) => (
              <option key={c.code} value={c.code}>
                {category(c.code)}
              </option>
            ))}
          </Select>

          <div className={`ds_question${errors.age ? " ds_question--error" : ""}`}>
            <label className="ds_label" htmlFor="age">
              {t("filters.age")}
            </label>
            <ErrorMessage id="age-error" message={errors.age} />
            <input
              className={`ds_input ds_input--fixed-4${errors.age ? " ds_input--error" : ""}`}
              type="text"
              inputMode="numeric"
              pattern="[0-9]*"
              id="age"
              name="age"
              defaultValue={values.age}
              {...invalid("age")}
            />
          </div>

          <Select id="area" label={t("filters.area")} value={values.area} error={errors.area} onChange={applyNow}>
            <option value="">{t("filters.anywhere")}</option>
            {areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </Select>

          <Select id="referral" label={t("filters.referral")} value={values.referral} error={errors.referral} onChange={applyNow}>
            <option value="">{t("filters.anyWay")}</option>
            <option value="self">{t("filters.self")}</option>
            <option value="professional">{t("filters.professional")}</option>
          </Select>

          <div className="ds_question">
            <div className="ds_checkbox ds_checkbox--small">
              <input className="ds_checkbox__input" type="checkbox" id="accepting" name="accepting" defaultChecked={values.accepting} onChange={applyNow} />
              <label className="ds_checkbox__label" htmlFor="accepting">
                {t("filters.accepting")}
              </label>
            </div>
          </div>

          <Select id="sort" label={t("filters.sort")} value={values.sort} error={errors.sort} onChange={applyNow}>
            <option value="">{t("filters.recommended")}</option>
            {sorts.map((s) => (
              <option key={s} value={s}>
                {t(`filters.sorts.${s}`, { defaultValue: SORT_LABELS[s] })}
              </option>
            ))}
          </Select>

          <div className="fort-directory__filter-actions">
            <button type="submit" className="ds_button ds_button--secondary ds_button--small">
              {t("filters.apply")}
            </button>
            <Link to={values.view === "map" ? "/?view=map" : "/"}>{t("filters.clear")}</Link>
          </div>
        </div>
      </details>
    </Form>
  );
}

function Select({
  id,
  label,
  value,
  error,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  onChange: () => void;
  children: React.ReactNode;
}) {
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={id}>
        {label}
      </label>
      <ErrorMessage id={`${id}-error`} message={error} />
      <div className="ds_select-wrapper">
        <select
          className={`ds_select${error ? " ds_input--error" : ""}`}
          id={id}
          name={id}
          defaultValue={value}
          onChange={onChange}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        >
          {children}
        </select>
        <span className="ds_select-arrow" aria-hidden="true" />
      </div>
    </div>
  );
}

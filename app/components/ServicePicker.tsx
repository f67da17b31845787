// The referral form's service picker: a search box and the directory's filters above a short list of matching
// services (not 50 tab stops), each showing capacity and who it is for before it is chosen. Without JavaScript,
// "Find services" posts the form back and the server lists the matches (the form comes back filled in); with it, the
// list follows the typing. Chosen services stay chosen whatever the list shows.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { PickerResult, PickerService } from "~/directory/service-picker.server";
import { formatAgeRange } from "~/directory/format";
import { SHANARRI } from "~/directory/taxonomy";
import { CapacityTag } from "./ServiceTags";

function ServiceOption({ service, checked, onToggle }: { service: PickerService; checked: boolean; onToggle: (s: PickerService, on: boolean) => void }) {
  const id = `service-${service.id}`;
  return (
    <li className="fort-picker__option">
      <div className="ds_checkbox ds_checkbox--small">
        <input
          className="ds_checkbox__input"
          type="checkbox"
          id={id}
          name="serviceIds"
          value={service.id}
          checked={checked}
          onChange={(e) => onToggle(service, e.currentTarget.checked)}
          aria-describedby={`${id}-facts`}
        />
        <label className="ds_checkbox__label" htmlFor={id}>
          {service.name} <span className="fort-picker__org">({service.organisationName})</span>
        </label>
      </div>
      <p className="fort-picker__facts" id={`${id}-facts`}>
        <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} /> Ages{" "}
        {formatAgeRange(service.minAge, service.maxAge).toLowerCase()}
        {service.areas.length > 0 &&
          ` · ${service.areas.length > 3 ? `${service.areas.slice(0, 3).join(", ")} and ${service.areas.length - 3} more areas` : service.areas.join(", ")}`}
        {service.eligibility && ` · ${service.eligibility}`}
      </p>
    </li>
  );
}

export function ServicePicker({
  picker,
  areas,
  error,
  errorId,
  children,
}: {
  picker: PickerResult;
  areas: { code: string; name: string }[];
  error?: string;
  errorId?: string;
  /** Shown under the hint: the result of checking the chosen services against the child. */
  children?: React.ReactNode;
}) {
  const fetcher = useFetcher<{ picker: PickerResult }>();
  const shown = fetcher.data?.picker ?? picker;
  const [chosen, setChosen] = useState<Map<string, PickerService>>(() => new Map(picker.chosen.map((s) => [s.id, s])));
  // A fresh server answer (a draft opened, the form posted back) decides what is chosen.
  const chosenKey = picker.chosen.map((s) => s.id).join(",");
  useEffect(() => setChosen(new Map(picker.chosen.map((s) => [s.id, s]))), [chosenKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const toggle = (service: PickerService, on: boolean) =>
    setChosen((current) => {
      const next = new Map(current);
      if (on) next.set(service.id, service);
      else next.delete(service.id);
      return next;
    });

  const box = useRef<HTMLFieldSetElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const refresh = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const fieldset = box.current;
      if (!fieldset) return;
      const params = new URLSearchParams();
      for (const el of Array.from(fieldset.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[name^='pick_']"))) {
        if (el instanceof HTMLInputElement && el.type === "checkbox") {
          if (el.checked) params.append(el.name, el.value);
        } else params.set(el.name, el.value);
      }
      if (!params.has("pick_need")) params.set("pick_need", "");
      fetcher.load(`/referrals/new?${params}`);
    }, 250);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  const values = shown.values;
  const listed = new Set(shown.candidates.map((c) => c.id));
  const chosenElsewhere = [...chosen.values()].filter((s) => !listed.has(s.id));
  const filtered = values.need.length > 0 || values.age !== "" || values.area !== "" || values.accepting;
  const filterSummary = [
    ...values.need.map((code) => SHANARRI.find((s) => s.code === code)?.name ?? code),
    values.age !== "" ? `age ${values.age}` : "",
    values.area ? (areas.find((a) => a.code === values.area)?.name ?? "") : "",
    values.accepting ? "accepting referrals" : "",
  ].filter(Boolean);
  const fieldError = (name: keyof PickerResult["errors"]) =>
    shown.errors[name] ? (
      <p className="ds_question__error-message" id={`pick_${name}-error`}>
        {shown.errors[name]}
      </p>
    ) : null;

  return (
    <fieldset
      id="services-fieldset"
      ref={box}
      className={`ds_question fort-picker${error ? " ds_question--error" : ""}`}
      aria-describedby="services-hint"
      onInput={(e) => (e.target as HTMLElement).getAttribute("name")?.startsWith("pick_") && refresh()}
      onChange={(e) => (e.target as HTMLElement).getAttribute("name")?.startsWith("pick_") && refresh()}
    >
      <legend className="ds_label">Services to send it to</legend>
      <p className="ds_hint-text" id="services-hint">
        Choose one or more. Each service gets its own copy and answers separately.
      </p>
      {error && (
        <p className="ds_question__error-message" id={errorId}>
          {error}
        </p>
      )}
      {children}
      {chosenElsewhere.length > 0 && (
        <>
          <p className="fort-picker__heading">Chosen</p>
          <ul className="fort-picker__list" aria-label="Chosen services">
            {chosenElsewhere.map((s) => (
              <ServiceOption key={s.id} service={s} checked onToggle={toggle} />
            ))}
          </ul>
        </>
      )}

      <div className={`ds_question fort-picker__search${shown.errors.q ? " ds_question--error" : ""}`}>
        <label className="ds_label" htmlFor="pick_q">
          Find a service
        </label>
        <p className="ds_hint-text" id="pick_q-hint">
          Type what the family needs or a service's name, for example parenting or young carers
        </p>
        {fieldError("q")}
        <div className="fort-picker__search-row">
          <input
            className="ds_input"
            type="search"
            id="pick_q"
            name="pick_q"
            defaultValue={values.q}
            autoComplete="off"
            aria-describedby="pick_q-hint"
            aria-controls="picker-candidates"
            onKeyDown={(e) => {
              // Enter searches rather than sending the whole referral.
              if (e.key === "Enter") {
                e.preventDefault();
                refresh();
              }
            }}
          />
          <button type="submit" name="intent" value="find-services" className="ds_button ds_button--secondary ds_button--small" formNoValidate>
            Find services
          </button>
        </div>
      </div>

      <details className="ds_details fort-picker__filters" open={Object.keys(shown.errors).some((k) => k !== "q")}>
        <summary className="ds_details__summary">{filtered ? `Filters: ${filterSummary.join(", ")}` : "Filter by need, age, area"}</summary>
        <div className="ds_details__text">
          <fieldset className="ds_question">
            <legend className="ds_label">Wellbeing needs</legend>
            {fieldError("need")}
            <div className="fort-picker__needs">
              {SHANARRI.map((s) => (
                <div className="ds_checkbox ds_checkbox--small" key={s.code}>
                  <input
                    className="ds_checkbox__input"
                    type="checkbox"
                    id={`pick_need-${s.code}`}
                    name="pick_need"
                    value={s.code}
                    defaultChecked={values.need.includes(s.code)}
                  />
                  <label className="ds_checkbox__label" htmlFor={`pick_need-${s.code}`}>
                    {s.name}
                    <span className="visually-hidden"> services</span>
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <div className={`ds_question${shown.errors.age ? " ds_question--error" : ""}`}>
            <label className="ds_label" htmlFor="pick_age">
              Child's age in years
            </label>
            {fieldError("age")}
            <input className="ds_input ds_input--fixed-4" type="text" inputMode="numeric" id="pick_age" name="pick_age" defaultValue={values.age} />
          </div>
          <div className="ds_question">
            <label className="ds_label" htmlFor="pick_area">
              Area served
            </label>
            {fieldError("area")}
            <div className="ds_select-wrapper">
              <select className="ds_select" id="pick_area" name="pick_area" defaultValue={values.area}>
                <option value="">Anywhere</option>
                {areas.map((a) => (
                  <option key={a.code} value={a.code}>
                    {a.name}
                  </option>
                ))}
              </select>
              <span className="ds_select-arrow" aria-hidden="true" />
            </div>
          </div>
          <div className="ds_checkbox ds_checkbox--small">
            <input className="ds_checkbox__input" type="checkbox" id="pick_accepting" name="pick_accepting" value="on" defaultChecked={values.accepting} />
            <label className="ds_checkbox__label" htmlFor="pick_accepting">
              Only services accepting referrals now
            </label>
          </div>
        </div>
      </details>

      <p className="fort-picker__heading" role="status" aria-live="polite">
        {shown.total === 0
          ? "No service taking referrals from professionals matches. Try other words or fewer filters."
          : shown.total > shown.candidates.length
            ? `${shown.total} services match; the best ${shown.candidates.length} are listed. Type more to narrow them down.`
            : `${shown.total} service${shown.total === 1 ? "" : "s"} match${shown.total === 1 ? "es" : ""}.`}
      </p>
      <ul className="fort-picker__list" id="picker-candidates" aria-label="Matching services">
        {shown.candidates.map((s) => (
          <ServiceOption key={s.id} service={s} checked={chosen.has(s.id)} onToggle={toggle} />
        ))}
      </ul>
    </fieldset>
  );
}

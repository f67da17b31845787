// One i18next instance per language, made synchronously from the bundled translation files (app/locales/*.json),
// so the server renders the page in the chosen language and the browser hydrates the same words.
import i18next, { type i18n } from "i18next";
import { useContext } from "react";
import { I18nContext, initReactI18next } from "react-i18next";
import ar from "~/locales/ar.json";
import en from "~/locales/en.json";
import pl from "~/locales/pl.json";
import uk from "~/locales/uk.json";
import type { Language } from "./languages";

const resources = { en: { translation: en }, pl: { translation: pl }, ar: { translation: ar }, uk: { translation: uk } };
const instances = new Map<Language, i18n>();

export function i18nFor(lng: Language): i18n {
  let instance = instances.get(lng);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(initReactI18next).init({ lng, fallbackLng: "en", resources, initAsync: false, interpolation: { escapeValue: false }, returnNull: false });
    instances.set(lng, instance);
  }
  return instance;
}

type Translate = i18n["t"];
const translators = new WeakMap<i18n, Translate>();

/**
 * The page's `t` and i18next instance, for components. react-i18next's `useTranslation` copies every property of the
 * instance on each call, and a list page calls it from every tag of every result: about a fifth of the page's render
 * (issue 14, a CPU profile of the search page). The instance never changes language (one per language, above), so
 * its fixed `t` is made once, and its answers, which depend only on the key and options, are remembered.
 */
export function usePageTranslation(): { t: Translate; i18n: i18n } {
  const instance = useContext(I18nContext)?.i18n ?? i18nFor("en");
  let t = translators.get(instance);
  if (!t) {
    const fixed = instance.getFixedT(instance.language) as unknown as (...args: unknown[]) => unknown;
    const answers = new Map<string, unknown>();
    t = ((key: unknown, options?: unknown, ...rest: unknown[]) => {
      // Only plain lookups are remembered: a key (or keys) and JSON options; anything else goes straight through.
      if (
        rest.length > 0 ||
        (typeof key !== "string" && !Array.isArray(key)) ||
        (options !== undefined && typeof options !== "object" && typeof options !== "string")
      )
        return fixed(key, options, ...rest);
      const memo = `${JSON.stringify(key)}\u0000${options === undefined ? "" : JSON.stringify(options)}`;
      if (answers.has(memo)) return answers.get(memo);
      const answer = fixed(key, options);
      if (answers.size < 20_000 && typeof answer === "string") answers.set(memo, answer);
      return answer;
    }) as unknown as Translate;
    translators.set(instance, t);
  }
  return { t, i18n: instance };
}

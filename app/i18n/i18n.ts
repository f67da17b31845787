// One i18next instance per language, made synchronously from the bundled translation files (app/locales/*.json),
// so the server renders the page in the chosen language and the browser hydrates the same words.
import i18next, { type i18n } from "i18next";
import { initReactI18next } from "react-i18next";
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

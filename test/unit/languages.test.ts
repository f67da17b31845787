import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chooseLanguage, cookieValue, fromAcceptLanguage } from "~/i18n/languages";

describe("choosing the language of the public pages", () => {
  it("takes ?lang= first, then the cookie, then the browser, then English", () => {
    expect(chooseLanguage("pl", "ar", "uk")).toBe("pl");
    expect(chooseLanguage(null, "ar", "uk")).toBe("ar");
    expect(chooseLanguage("xx", null, "uk-UA,uk;q=0.9,en;q=0.5")).toBe("uk");
    expect(chooseLanguage(null, "fr", "fr-FR,de")).toBe("en");
  });

  it("reads Accept-Language by weight, ignoring languages it does not have", () => {
    expect(fromAcceptLanguage("fr;q=1, ar;q=0.4, pl;q=0.8")).toBe("pl");
    expect(fromAcceptLanguage("pl;q=0, en")).toBe("en");
    expect(fromAcceptLanguage("")).toBeNull();
  });

  it("finds the cookie among others", () => {
    expect(cookieValue("a=1; fort_lang=ar; b=2", "fort_lang")).toBe("ar");
    expect(cookieValue(null, "fort_lang")).toBeNull();
  });
});

describe("translation files", () => {
  const load = (lang: string) => JSON.parse(readFileSync(`app/locales/${lang}.json`, "utf8")) as Record<string, unknown>;
  const keys = (value: unknown, prefix = ""): string[] =>
    value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k)) : [prefix];
  // A counted string ("3 services") has one key per plural form of its language (i18next's _one, _few, _many …).
  const PLURAL = /_(zero|one|two|few|many|other)$/;
  const base = (all: string[]) => [...new Set(all.map((k) => k.replace(PLURAL, "")))].sort();
  const english = keys(load("en"));

  it.each(["pl", "ar", "uk"])("%s has every English string and is marked for a native speaker's review", (lang) => {
    const file = load(lang);
    expect(base(keys(file))).toEqual(base(english));
    expect(String(file._review)).toMatch(/NEEDS REVIEW by a native/);
  });

  it.each(["en", "pl", "ar", "uk"])("%s has every plural form its language needs for each counted string", (lang) => {
    const own = keys(load(lang));
    const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const counted of base(english.filter((k) => PLURAL.test(k)))) {
      expect(forms.map((form) => `${counted}_${form}`).filter((k) => !own.includes(k))).toEqual([]);
    }
  });
});

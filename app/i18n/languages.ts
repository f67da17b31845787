// The languages of FORT's public pages (issue 16): chosen by ?lang= (remembered in a cookie), else the cookie, else
// the browser's Accept-Language, else English. Professionals' pages stay in English for now.
export const LANGUAGES = {
  en: { name: "English", dir: "ltr", htmlLang: "en-GB" },
  pl: { name: "Polski", dir: "ltr", htmlLang: "pl" },
  ar: { name: "العربية", dir: "rtl", htmlLang: "ar" },
  uk: { name: "Українська", dir: "ltr", htmlLang: "uk" },
} as const;
export type Language = keyof typeof LANGUAGES;
export const LANGUAGE_COOKIE = "fort_lang";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && Object.hasOwn(LANGUAGES, value);
}

/** The best of our languages in an Accept-Language header (by q value, then order), or null. */
export function fromAcceptLanguage(header: string | null): Language | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: (tag ?? "").toLowerCase().split("-")[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked.find((x) => isLanguage(x.base))?.base as Language | undefined) ?? null;
}

export function chooseLanguage(param: string | null, cookie: string | null, acceptLanguage: string | null): Language {
  if (isLanguage(param)) return param;
  if (isLanguage(cookie)) return cookie;
  return fromAcceptLanguage(acceptLanguage) ?? "en";
}

/** The language of a request to a public page: ?lang=, the remembered choice, the browser's, English. */
export function requestLanguage(request: Request): Language {
  return chooseLanguage(
    new URL(request.url).searchParams.get("lang"),
    cookieValue(request.headers.get("Cookie"), LANGUAGE_COOKIE),
    request.headers.get("Accept-Language"),
  );
}

export function cookieValue(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

// Languages a service can be offered in: the ones families in Dundee most often ask for, and BSL.
// A service's form also offers any language it already has that is not on this list (e.g. from an import).
export const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "bfi", name: "British Sign Language" },
  { code: "ar", name: "Arabic" },
  { code: "bn", name: "Bengali" },
  { code: "zh", name: "Chinese (Mandarin)" },
  { code: "yue", name: "Chinese (Cantonese)" },
  { code: "fa", name: "Farsi" },
  { code: "fr", name: "French" },
  { code: "gd", name: "Gaelic" },
  { code: "ku", name: "Kurdish" },
  { code: "lt", name: "Lithuanian" },
  { code: "pl", name: "Polish" },
  { code: "pt", name: "Portuguese" },
  { code: "pa", name: "Punjabi" },
  { code: "ro", name: "Romanian" },
  { code: "ru", name: "Russian" },
  { code: "sco", name: "Scots" },
  { code: "so", name: "Somali" },
  { code: "es", name: "Spanish" },
  { code: "ti", name: "Tigrinya" },
  { code: "tr", name: "Turkish" },
  { code: "uk", name: "Ukrainian" },
  { code: "ur", name: "Urdu" },
] as const;

export interface Choice {
  code: string;
  name: string;
}

/** The list, plus whatever the service already has that the list lacks, so saving never drops a value. */
export function withCurrent(list: readonly Choice[], current: readonly Choice[]): Choice[] {
  const known = new Set(list.map((c) => c.code));
  return [...list, ...current.filter((c) => !known.has(c.code))];
}

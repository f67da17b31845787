// Error messages on the public forms in the page's language (issue 16). The forms' zod schemas are shared with the
// professionals' forms and write their messages in English; the English file's `formErrors` section holds those
// same sentences, so a message is looked up by its English text and shown in the page's language. A message not
// in the section (a rare server-side refusal) stays in English rather than disappearing.
import { useMemo, type ReactNode } from "react";
import { usePageTranslation } from "~/i18n/i18n";
import { type FormText, FormTextProvider } from "~/components/forms";
import en from "~/locales/en.json";

const keyOfMessage = new Map(Object.entries(en.formErrors).map(([key, message]) => [message, key]));
const MAX_LENGTH = /^Must be (\d+) characters or fewer$/;

/** The key in `formErrors` for an English message and its values, or null. */
export function formErrorKey(message: string): { key: string; values?: Record<string, string> } | null {
  const key = keyOfMessage.get(message);
  if (key) return { key };
  const max = MAX_LENGTH.exec(message);
  return max ? { key: "maxLength", values: { max: max[1]! } } : null;
}

/** The public pages' way of writing form errors, for errors a page shows itself. */
export function usePublicFormText(): FormText {
  const { t, i18n } = usePageTranslation();
  return useMemo(
    () => ({
      problem: t("formErrors.problem"),
      error: (message: string) => {
        const found = formErrorKey(message);
        return found ? t(`formErrors.${found.key}`, found.values) : message;
      },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [i18n.language],
  );
}

/** Wrap a public page's forms: their field errors and error summary read in the page's language. */
export function PublicFormText({ children }: { children: ReactNode }) {
  return <FormTextProvider value={usePublicFormText()}>{children}</FormTextProvider>;
}

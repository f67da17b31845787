// A form that names something that does not exist (a service, a team) is the sender's mistake, not FORT's: the
// database's foreign-key refusal becomes the field's error (400), with the same words as the form's own check.
const FIELD_MESSAGES: Record<string, string> = {
  suggestedServiceId: "Choose a service from the list",
  toServiceId: "Choose a service from the list",
  serviceId: "Choose a service from the list",
  teamId: "Choose a team from the list",
  organisationId: "Choose an organisation from the list",
  locationId: "Choose a location from the list",
  userId: "Choose a person from the list",
};

/** For a foreign-key violation (PostgreSQL 23503), the form field it concerns and the message to show beside it. */
export function unknownReference(error: unknown): { field: string; message: string } | null {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, detail } = e as { code?: unknown; detail?: unknown };
    if (code !== "23503") continue;
    const column = typeof detail === "string" ? /Key \((\w+)\)=/.exec(detail)?.[1] : undefined;
    if (!column) return { field: "", message: "Something the form refers to no longer exists. Please reload the page and try again." };
    const field = column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    return { field, message: FIELD_MESSAGES[field] ?? "Choose one of the options on the page" };
  }
  return null;
}

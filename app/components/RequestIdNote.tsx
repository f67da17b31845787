import { useRouteLoaderData } from "@remix-run/react";

/**
 * The request's id on an error page, so a person can quote it and an operator can find every log line of
 * that request. The id comes from the root loader (or a prop); without one nothing is shown.
 */
export function RequestIdNote({ requestId }: { requestId?: string }) {
  const rootData = useRouteLoaderData<{ requestId?: string }>("root");
  const id = requestId ?? rootData?.requestId;
  if (!id) return null;
  return (
    <p className="ds_hint-text" data-testid="request-id">
      If you contact us about this, please quote this reference: <code>{id}</code>
    </p>
  );
}

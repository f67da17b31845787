/** A success or problem message after an action, announced to screen readers. */
export function Notice({ notice }: { notice?: { ok: boolean; message: string } | null }) {
  if (!notice) return null;
  return (
    <div className={`ds_notification-panel${notice.ok ? "" : " ds_notification-panel--neutral"}`} role={notice.ok ? "status" : "alert"}>
      <p className="ds_notification-panel__title">{notice.message}</p>
    </div>
  );
}

import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { audit } from "~/audit/audit.server";
import { endAllSessions, endSession, getUser } from "~/auth/session.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

// Signing out is a POST (a link could be triggered by another site); a GET just goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await getUser(request);
  const everywhere = (await readForm(request)).get("everywhere") === "true";
  if (user && everywhere) {
    await endAllSessions(user.id);
    await audit({ actorId: user.id, action: "sign_out_everywhere", subjectType: "user", subjectId: user.id, ip: clientIp(request) });
  } else if (user) {
    await audit({ actorId: user.id, action: "sign_out", subjectType: "user", subjectId: user.id, ip: clientIp(request) });
  }
  return redirect("/", { headers: { "Set-Cookie": await endSession(request) } });
}

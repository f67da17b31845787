// The route gate: who is signed in and whether their role may open the page at all. What they may see and change
// once inside is the policy's business (app/auth/policy.server.ts), enforced by the domain functions.
import type { CurrentUser, Role } from "./session.server";
import { requireUser } from "./session.server";

export function forbidden(message = "You do not have access to this page."): Response {
  return new Response(message, { status: 403 });
}

/** The signed-in user if they hold one of the roles; 403 otherwise (sign-in redirect when signed out). */
export async function requireRole(request: Request, ...roles: Role[]): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) throw forbidden();
  return user;
}

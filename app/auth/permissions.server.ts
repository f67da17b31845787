// Who may do what. Routes ask here; ownership is also enforced inside each domain query.
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

/** Organisations whose services and referrals the user may manage. */
export function managedOrganisationIds(user: CurrentUser): string[] {
  return user.role === "provider" ? user.organisations.map((o) => o.id) : [];
}

export function isOrganisationAdmin(user: CurrentUser, organisationId: string): boolean {
  return user.role === "provider" && user.organisations.some((o) => o.id === organisationId && o.isAdmin);
}

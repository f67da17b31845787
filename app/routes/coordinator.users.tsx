import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { Notice } from "~/components/Notice";
import { refusalOf } from "~/domain/refusal.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { changeRole, listUsers, setUserActive } from "~/users/users.server";
import { readForm } from "~/http/form.server";
import { readQuery } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, "coordinator");
  const invited = readQuery(request).get("invited");
  return { users: await listUsers(me), me: me.id, invited };
}

const userActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("deactivate"), userId: z.string().uuid() }),
  z.object({ intent: z.literal("reactivate"), userId: z.string().uuid() }),
  z.object({ intent: z.literal("role"), userId: z.string().uuid(), role: z.enum(["coordinator", "referrer", "provider"]) }),
]);

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const me = await requireRole(request, "coordinator");
  const parsed = userActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ ok: false, message: "That request was not understood. Reload the page and try again." }, { status: 400 });
  const input = parsed.data;
  try {
    return data(
      input.intent === "role"
        ? await changeRole(me, input.userId, input.role, clientIp(request))
        : await setUserActive(me, input.userId, input.intent === "reactivate", clientIp(request)),
    );
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ ok: false as const, message: refusal.message }, { status: refusal.status });
  }
}

const ROLE_LABEL = { coordinator: "Coordinator", referrer: "Referrer", provider: "Provider" } as const;

export default function People() {
  const { users, me, invited } = useLoaderData<typeof loader>();
  const notice = useActionData<typeof action>() ?? (invited ? { ok: true, message: `Invitation sent to ${invited}.` } : null);
  return (
    <>
      <h1>People</h1>
      <Notice notice={notice} />
      <p>
        <Link to="/coordinator/users/invite" className="ds_button">
          Invite someone
        </Link>
      </p>
      <table className="ds_table">
        <caption className="visually-hidden">Everyone with a FORT account</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Team or organisation</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                {u.name}
                <br />
                <small>{u.email}</small>
              </td>
              <td>{ROLE_LABEL[u.role]}</td>
              <td>{u.teamName ?? u.organisations.join(", ")}</td>
              <td>{u.active ? "Active" : "Deactivated"}</td>
              <td>
                {u.id !== me && (
                  <Form method="post" className="fort-inline-form">
                    <input type="hidden" name="userId" value={u.id} />
                    <input type="hidden" name="intent" value="role" />
                    <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                      Role for {u.name}
                    </label>
                    <select id={`role-${u.id}`} name="role" defaultValue={u.role} className="ds_select ds_input--fixed-10">
                      {Object.entries(ROLE_LABEL).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="ds_button ds_button--small ds_button--secondary" aria-label={`Change role of ${u.name}`}>
                      Change role
                    </button>
                  </Form>
                )}
                {u.id !== me && (
                  <Form method="post">
                    <input type="hidden" name="userId" value={u.id} />
                    <input type="hidden" name="intent" value={u.active ? "deactivate" : "reactivate"} />
                    <button
                      type="submit"
                      className="ds_button ds_button--small ds_button--secondary"
                      aria-label={`${u.active ? "Deactivate" : "Reactivate"} ${u.name}`}
                    >
                      {u.active ? "Deactivate" : "Reactivate"}
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "People – FORT" }];

// The provider's and referrer's actions on a referral's page (accept, decline, ask for information, forward, close…),
// each a form that works without JavaScript. Split from routes/referrals.$id.tsx, whose action receives them.
import type { action } from "~/routes/referrals.$id";
import { getFormProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";

import { Form, useActionData, useNavigation } from "@remix-run/react";
import type { z } from "zod";

import { ErrorSummary, RadioField, SelectField, TextAreaField, TextField } from "~/components/forms";
import { audienceChoices } from "./audience";

import { needName } from "./components";

import { transitionSchema } from "./forms";

import { type ReferralView } from "./queries.server";
import { ACTION_LABELS, CLOSE_OUTCOMES, DECLINE_REASONS, NEED_OUTCOMES, type ReferralAction } from "./state-machine";

type TransitionAction = Exclude<ReferralAction, "submit">;

function useActionResult(intent: string) {
  const actionData = useActionData<typeof action>();
  return actionData?.intent === intent && actionData.result ? actionData.result : undefined;
}

export function Actions({ referral: r, services }: { referral: ReferralView; services: { id: string; name: string; organisationName: string }[] }) {
  if (r.actions.length === 0) return null;
  return (
    <section className="fort-actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">What you can do now</h2>
      {r.actions.map((action) => (
        <TransitionForm key={action} action={action as TransitionAction} referral={r} services={services} />
      ))}
    </section>
  );
}

const OPEN_BY_DEFAULT: TransitionAction[] = ["accept", "answer_info", "start_support"];

function TransitionForm({
  action,
  referral: r,
  services,
}: {
  action: TransitionAction;
  referral: ReferralView;
  services: { id: string; name: string; organisationName: string }[];
}) {
  const needCodes = r.needs.map((n) => n.code);
  const schema = transitionSchema(action, needCodes);
  const navigation = useNavigation();
  const lastResult = useActionResult(action);
  const [form, fields] = useForm<Record<string, unknown>>({
    id: `action-${action}`,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: schema as z.ZodType<Record<string, unknown>> }),
    shouldValidate: "onSubmit",
  });
  const f = fields as unknown as Record<string, FieldMetadata<string | undefined>>;
  const serviceOptions = services.map((s) => ({ value: s.id, label: `${s.name} (${s.organisationName})` }));
  const body = (
    <Form method="post" {...getFormProps(form)}>
      <ErrorSummary errors={Object.entries(form.allErrors).map(([name, errors]) => ({ id: `${form.id}-${name}`, message: errors[0]! }))} />
      <input type="hidden" name="intent" value={action} />
      {/* The version this page showed: if someone changes the referral meanwhile, this change is refused. */}
      <input type="hidden" name="version" value={r.version} />
      {action === "decline" && (
        <>
          <SelectField
            meta={f.reason!}
            label="Reason for declining"
            placeholder="Choose a reason"
            options={Object.entries(DECLINE_REASONS).map(([value, label]) => ({ value, label }))}
          />
          <TextField meta={f.reasonOther!} label="If other, the reason" />
          <SelectField meta={f.suggestedServiceId!} label="Suggest another service (optional)" placeholder="No suggestion" options={serviceOptions} />
        </>
      )}
      {action === "forward" && <SelectField meta={f.toServiceId!} label="Service to forward it to" placeholder="Choose a service" options={serviceOptions} />}
      {action === "close" && (
        <>
          <SelectField
            meta={f.outcome!}
            label="Outcome"
            placeholder="Choose the outcome"
            options={Object.entries(CLOSE_OUTCOMES).map(([value, label]) => ({ value, label }))}
          />
          <TextField meta={f.outcomeOther!} label="If other, the outcome" />
          {needCodes.map((code) => (
            <SelectField
              key={code}
              meta={f[`outcome_${code}`]!}
              label={`Outcome for the ${needName(code).toLowerCase()} need`}
              placeholder="Choose one"
              options={Object.entries(NEED_OUTCOMES).map(([value, label]) => ({ value, label }))}
            />
          ))}
        </>
      )}
      <TextAreaField
        meta={f.note!}
        label={action === "request_info" ? "What information you need" : action === "answer_info" ? "The information asked for" : "Note (optional)"}
        rows={3}
      />
      {action !== "request_info" && action !== "answer_info" && (
        <RadioField
          meta={f.noteAudience!}
          legend="Who will see this note?"
          hint="Needed only if you write a note."
          options={audienceChoices(r.party, r.isSelfReferral)}
        />
      )}
      <button
        type="submit"
        className={`ds_button${action === "withdraw" || action === "decline" ? " ds_button--secondary" : ""}`}
        disabled={navigation.state === "submitting"}
      >
        {ACTION_LABELS[action]}
      </button>
    </Form>
  );
  if (OPEN_BY_DEFAULT.includes(action)) {
    return (
      <div>
        <h3>{ACTION_LABELS[action]}</h3>
        {body}
      </div>
    );
  }
  return (
    <details className="ds_details" open={Boolean(lastResult)}>
      <summary className="ds_details__summary">{ACTION_LABELS[action]}</summary>
      <div className="ds_details__text">{body}</div>
    </details>
  );
}

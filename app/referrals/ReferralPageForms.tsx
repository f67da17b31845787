// The message form and the coordinator's "open with a reason" form of a referral's page.
import { type SubmissionResult, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import { Form, useNavigation } from "@remix-run/react";
import { RadioField, TextAreaField, TextField } from "~/components/forms";
import { audienceChoices } from "./audience";
import type { Party } from "./state-machine";
import { coordinatorOpenSchema, messageSchema } from "./forms";

export function MessageForm({ selfReferral, party, lastResult }: { selfReferral: boolean; party: Party; lastResult: SubmissionResult<string[]> | undefined }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "message",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: messageSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <Form method="post" {...getFormProps(form)} key={navigation.state === "idle" ? "idle" : "busy"}>
      <input type="hidden" name="intent" value="message" />
      <TextAreaField
        meta={fields.body}
        label="Write a message"
        hint="Whoever you choose below sees it on this page and is told by email (without any personal details)."
      />
      <RadioField meta={fields.audience} legend="Who will see this message?" options={audienceChoices(party, selfReferral)} />
      <button type="submit" className="ds_button ds_button--secondary">
        Send message
      </button>
    </Form>
  );
}

export function CoordinatorOpen({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useForm({
    id: "open-details",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: coordinatorOpenSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <section aria-labelledby="personal-heading">
      <h2 id="personal-heading">Personal details</h2>
      <p>Coordinators see a referral's state and history, not the child's and family's details. If you need them, say why: your reason is recorded.</p>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="open_details" />
        <TextField meta={fields.reason} label="Why you need to see the personal details" />
        <button type="submit" className="ds_button ds_button--secondary">
          Open personal details
        </button>
      </Form>
    </section>
  );
}

// The import upload form's schema, shared by the browser and the server.
import { z } from "zod";

/** Larger feeds go through the command line (npm run oruk:import), which streams them. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const MAX_UPLOAD_LABEL = "25 MB";

const isFile = (value: unknown): value is File => typeof File !== "undefined" && value instanceof File;

export const importUploadSchema = z.object({
  feed: z.preprocess(
    (value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((f) => isFile(f) && (f.size > 0 || f.name !== "")),
    z
      .array(z.custom<File>(isFile))
      .min(1, "Choose the feed file to import")
      .refine((files) => files.reduce((sum, f) => sum + f.size, 0) <= MAX_UPLOAD_BYTES, {
        message: `The file must be ${MAX_UPLOAD_LABEL} or smaller here; import larger feeds with the command line (npm run oruk:import)`,
      }),
  ),
  source: z.string().trim().max(300, "Source must be 300 characters or fewer").optional(),
});

export const importDecisionSchema = z.object({
  intent: z.enum(["confirm", "cancel"], { message: "Choose whether to import or cancel" }),
});

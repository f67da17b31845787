import { z } from "zod";

export const ACCESSIBILITY_FEATURES = [
  "Step-free access",
  "Lift",
  "Accessible toilet",
  "Hearing loop",
  "Baby changing",
  "Buggy storage",
  "Quiet room",
  "Parking nearby",
  "On a bus route",
] as const;

export const locationFormSchema = z.object({
  name: z
    .string({ required_error: "Enter the name of the place" })
    .trim()
    .min(2, "Enter the name of the place")
    .max(120, "The name must be 120 characters or fewer"),
  address1: z
    .string({ required_error: "Enter the street address" })
    .trim()
    .min(3, "Enter the street address")
    .max(200, "The address must be 200 characters or fewer"),
  city: z.string({ required_error: "Enter the town or city" }).trim().min(2, "Enter the town or city").max(80, "The town must be 80 characters or fewer"),
  postcode: z.string({ required_error: "Enter the postcode" }).trim().max(10, "Enter a postcode like DD1 4HN"),
  accessibility: z.array(z.enum(ACCESSIBILITY_FEATURES)).default([]),
});

export type LocationForm = z.infer<typeof locationFormSchema>;

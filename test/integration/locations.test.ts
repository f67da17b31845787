import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { NotFound } from "~/domain/errors";
import { getLocationForEditing, listManagedLocations, saveLocation } from "~/organisations/locations.server";
import { DEMO, signedIn } from "../helpers";

describe("providers' locations", () => {
  it("places a changed address on the map from its postcode, with its ward", async () => {
    const { user } = await signedIn(DEMO.providerOne);
    const [mine] = await listManagedLocations(user);
    const form = (await getLocationForEditing(user, mine!.id))!;
    expect(await saveLocation(user, { locationId: mine!.id }, { ...form, postcode: "dd2 4dd", accessibility: ["Lift"] }, "6.6.6.6")).toEqual({ id: mine!.id });
    const db = await getDb();
    const [row] = await db.select().from(s.locations).where(eq(s.locations.id, mine!.id));
    expect(row).toMatchObject({ postcode: "DD2 4DD", wardName: "Lochee", wardCode: expect.stringMatching(/^S13/), accessibility: ["Lift"] });
  });

  it("refuses an unknown postcode beside the postcode field", async () => {
    const { user } = await signedIn(DEMO.providerOne);
    const [mine] = await listManagedLocations(user);
    const form = (await getLocationForEditing(user, mine!.id))!;
    await expect(saveLocation(user, { locationId: mine!.id }, { ...form, postcode: "ZZ9 9ZZ" }, "6.6.6.6")).rejects.toMatchObject({
      status: 400,
      fieldErrors: { postcode: [expect.stringContaining("postcode")] },
    });
  });

  it("does not let a provider read or change another organisation's location", async () => {
    const { user: one } = await signedIn(DEMO.providerOne);
    const { user: two } = await signedIn(DEMO.providerTwo);
    const [theirs] = await listManagedLocations(two);
    expect(await getLocationForEditing(one, theirs!.id)).toBeNull();
    const form = (await getLocationForEditing(two, theirs!.id))!;
    await expect(saveLocation(one, { locationId: theirs!.id }, form, "6.6.6.6")).rejects.toBeInstanceOf(NotFound);
    // Nor add one to another organisation by naming it.
    await expect(saveLocation(one, { organisationId: two.organisations[0]!.id }, form, "6.6.6.6")).rejects.toBeInstanceOf(NotFound);
    expect((await listManagedLocations(one)).map((l) => l.id)).not.toContain(theirs!.id);
  });
});

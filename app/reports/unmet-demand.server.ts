// Demand FORT could not route: a referrer tried to refer a child and no listed service fitted.
// Kept as figures only (ward, sector, need codes), once per referrer, postcode, needs and day.
import { createHash } from "node:crypto";
import * as s from "../../db/schema";
import { getDb } from "../db.server";
import { referralArea } from "../geo/postcodes.server";

export async function recordNoEligibleService(referrerId: string, child: { postcode?: string; needCodes: string[] }, on: Date) {
  const needCodes = [...new Set(child.needCodes)].sort();
  const area = referralArea(child.postcode);
  const fingerprint = createHash("sha256")
    .update([referrerId, on.toISOString().slice(0, 10), child.postcode ?? "", needCodes.join(",")].join("|"))
    .digest("hex");
  const db = await getDb();
  await db
    .insert(s.unmetDemand)
    .values({ at: on, kind: "no_eligible_service", wardCode: area.wardCode, postcodeSector: area.postcodeSector, needCodes, fingerprint })
    .onConflictDoNothing({ target: s.unmetDemand.fingerprint });
}

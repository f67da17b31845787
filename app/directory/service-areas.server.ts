// The areas a provider can say a service covers: a whole council area, one of its wards, or a postcode
// district. Values are codes (GSS codes for councils and wards, the outcode for a district), so the gap
// analysis can match wards; anything a service already has that is not on the list is kept as it is.
import { readFileSync } from "node:fs";
import path from "node:path";
import { listAreas } from "../geo/areas.server";
import type { Choice } from "./languages";

export interface AreaChoice extends Choice {
  group: "Council area" | "Ward" | "Postcode district";
}

let districts: string[] | undefined;

function postcodeDistricts(): string[] {
  if (!districts) {
    const file = path.resolve(process.cwd(), "geodata/dd_postcode_sectors.csv");
    const outcodes = readFileSync(file, "utf8")
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(",")[1])
      .filter((v): v is string => Boolean(v));
    districts = [...new Set(outcodes)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  }
  return districts;
}

export function areaChoices(): AreaChoice[] {
  const wards = listAreas();
  const councils = [...new Map(wards.map((w) => [w.councilCode, w.councilName])).entries()];
  return [
    ...councils.map(([code, name]) => ({ code, name, group: "Council area" as const })),
    ...wards.map((w) => ({ code: w.code, name: w.name, group: "Ward" as const })),
    ...postcodeDistricts().map((d) => ({ code: d, name: d, group: "Postcode district" as const })),
  ];
}

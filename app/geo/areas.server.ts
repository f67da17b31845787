// Areas a service can cover: the council wards in geodata/, each belonging to its council area.
// A service covering a whole council area serves every ward in it.
import { readFileSync } from "node:fs";
import path from "node:path";

export interface Area {
  code: string;
  name: string;
  councilCode: string;
  councilName: string;
}

let areas: Area[] | undefined;

export function listAreas(): Area[] {
  if (!areas) {
    const file = path.resolve(process.cwd(), "geodata/dundee_wards.geojson");
    const collection = JSON.parse(readFileSync(file, "utf8")) as {
      features: { properties: { ward_code: string; ward_name: string; council_code: string; council_name: string } }[];
    };
    areas = collection.features
      .map(({ properties: p }) => ({ code: p.ward_code, name: p.ward_name, councilCode: p.council_code, councilName: p.council_name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return areas;
}

export function findArea(code: string): Area | undefined {
  return listAreas().find((a) => a.code === code);
}

import { describe, expect, it } from "vitest";
import { directorySearchSchema, effectiveSort, formatDistance, mapQuerySchema, searchParamsToObject, toSearchParams } from "~/directory/filters";

const parse = (query: string) => directorySearchSchema.safeParse(searchParamsToObject(new URLSearchParams(query)));

describe("directory filters in the URL", () => {
  it("reads every filter, with several needs", () => {
    const result = parse(
      "q=parenting&need=nurtured&need=safe&category=parenting&age=3&area=S13002546&referral=self&accepting=on&near=DD4&sort=distance&page=2",
    );
    expect(result.success && result.data).toEqual({
      q: "parenting",
      need: ["nurtured", "safe"],
      category: "parenting",
      age: 3,
      area: "S13002546",
      referral: "self",
      accepting: true,
      near: "DD4",
      sort: "distance",
      page: 2,
    });
  });

  it("treats empty fields, as a plain GET form sends them, as not set", () => {
    const result = parse("q=&category=&age=&area=&referral=&near=&sort=");
    expect(result.success && result.data).toEqual({ need: [], accepting: false });
  });

  it("rejects unknown values with a message a person understands", () => {
    const result = parse("need=happy&age=three&category=nope");
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toContain("need.0: Choose needs from the list of wellbeing indicators");
    expect(messages).toContain("age: Enter the child's age as a whole number of years, like 3");
    expect(messages).toContain("category: Choose a kind of support from the list");
  });

  it("writes a search back to a short URL that reads the same", () => {
    const search = { q: "play", need: ["active" as const], accepting: true, near: "Lochee" };
    const params = toSearchParams(search);
    expect(params.toString()).toBe("q=play&need=active&accepting=on&near=Lochee");
    const again = directorySearchSchema.parse(searchParamsToObject(params));
    expect(again).toMatchObject(search);
  });

  it("sorts nearest first near a place, best match for words, else by name", () => {
    expect(effectiveSort({}, true)).toBe("distance");
    expect(effectiveSort({ q: "x" }, false)).toBe("relevance");
    expect(effectiveSort({}, false)).toBe("name");
    expect(effectiveSort({ sort: "distance" }, false)).toBe("name");
    expect(effectiveSort({ sort: "recently-checked" }, true)).toBe("recently-checked");
  });

  it("shows distances in kilometres", () => {
    expect(formatDistance(1234)).toBe("1.2 km");
    expect(formatDistance(40)).toBe("0.1 km");
    expect(formatDistance(250_400)).toBe("250 km");
  });
});

describe("the map endpoint's query", () => {
  it("needs a valid area and zoom", () => {
    expect(mapQuerySchema.safeParse({ bbox: "-3.1,56.4,-2.8,56.6", zoom: "12" }).success).toBe(true);
    const missing = mapQuerySchema.safeParse({});
    expect(missing.error?.issues.map((i) => i.message)).toEqual(["Give the map area as bbox=west,south,east,north", "Give the map zoom as zoom=0 to 20"]);
    expect(mapQuerySchema.safeParse({ bbox: "-2.8,56.4,-3.1,56.6", zoom: "12" }).error?.issues[0]?.message).toMatch(/west < east/);
    expect(mapQuerySchema.safeParse({ bbox: "a,b,c,d", zoom: "12" }).success).toBe(false);
    expect(mapQuerySchema.safeParse({ bbox: "-3.1,56.4,-2.8,56.6", zoom: "99" }).error?.issues[0]?.message).toMatch(/0 to 20/);
    expect(mapQuerySchema.safeParse({ bbox: "-3.1,56.4,-2.8,56.6", zoom: "12", colour: "red" }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { parsePlaceQuery } from "~/geo/geocoder";
import { OfflineGeocoder } from "~/geo/offline-geocoder.server";

const geocoder = new OfflineGeocoder();

describe("the offline geocoder", () => {
  it("finds a full DD postcode at its exact point, however it is typed", async () => {
    const place = await geocoder.lookup("dd1 1aa");
    expect(place).toEqual({ label: "DD1 1AA", kind: "postcode", latitude: 56.46217, longitude: -2.97362 });
    expect(await geocoder.lookup("DD11AA")).toEqual(place);
    expect(await geocoder.lookup("  DD1   1AA ")).toEqual(place);
  });

  it("finds a postcode district such as DD4, anywhere in the UK", async () => {
    expect(await geocoder.lookup("DD4")).toEqual({ label: "DD4", kind: "district", latitude: 56.48227, longitude: -2.93555 });
    expect(await geocoder.lookup("ec1a")).toMatchObject({ label: "EC1A", kind: "district", latitude: 51.51803 });
  });

  it("places a full postcode outside the DD area at its district's centre", async () => {
    expect(await geocoder.lookup("AB10 1AB")).toMatchObject({ label: "AB10", kind: "district", latitude: 57.13667 });
  });

  it("finds a postcode sector", async () => {
    expect(await geocoder.lookup("DD1 1")).toMatchObject({ label: "DD1 1", kind: "sector", latitude: 56.46142 });
  });

  it("finds a neighbourhood by name or alias, forgiving case, 'the' and one slip", async () => {
    expect(await geocoder.lookup("Lochee")).toEqual({ label: "Lochee", kind: "place", latitude: 56.47434, longitude: -3.01615 });
    expect(await geocoder.lookup("lochee")).toMatchObject({ label: "Lochee" });
    expect(await geocoder.lookup("Lochie")).toMatchObject({ label: "Lochee" });
    expect(await geocoder.lookup("St Mary's")).toMatchObject({ label: "Ardler and St Marys" });
    expect(await geocoder.lookup("glens")).toMatchObject({ label: "The Glens" });
  });

  it("says it does not know an unknown place or postcode", async () => {
    expect(await geocoder.lookup("Atlantis")).toBeNull();
    expect(await geocoder.lookup("ZZ99 9ZZ")).toBeNull();
    expect(await geocoder.lookup("DD1 9XX")).toMatchObject({ label: "DD1", kind: "district" });
    expect(await geocoder.lookup("")).toBeNull();
    expect(await geocoder.lookup("Lo")).toBeNull();
  });
});

describe("reading what someone typed", () => {
  it("tells postcodes, sectors and districts from place names", () => {
    expect(parsePlaceQuery("dd4 6qa")).toEqual({ kind: "postcode", outcode: "DD4", postcode: "DD4 6QA" });
    expect(parsePlaceQuery("DD4 6")).toEqual({ kind: "sector", outcode: "DD4", sector: "DD4 6" });
    expect(parsePlaceQuery("dd4")).toEqual({ kind: "district", outcode: "DD4" });
    expect(parsePlaceQuery("Broughty Ferry")).toEqual({ kind: "place", name: "Broughty Ferry" });
    expect(parsePlaceQuery("   ")).toBeNull();
  });
});

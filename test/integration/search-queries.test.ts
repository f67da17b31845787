// Queries people really type, with their slips, and the demo service each of them means. Every one must find that
// service on the first page of results sorted by best match. When someone reports a search that missed, add it here.
import { describe, expect, it } from "vitest";
import type { DirectoryFilters } from "~/directory/filters";
import { SEARCH_PAGE_SIZE, searchServices } from "~/directory/search.server";
import { allowedSlips, queryWords, slipDistance, suggestQuery, understandQuery } from "~/directory/query-understanding.server";

const none: DirectoryFilters = { need: [], accepting: false };
const firstPage = (q: string, filters: Partial<DirectoryFilters> = {}) =>
  searchServices({ filters: { ...none, ...filters, q }, place: null, sort: "relevance", page: 1, pageSize: SEARCH_PAGE_SIZE });

const QUERIES: [query: string, meant: string][] = [
  // slips: one in words of 5 to 8 letters, two from 9 letters, swapped letters counting as one
  ["parnting", "Growing Together Parenting Course"],
  ["parentng", "Growing Together Parenting Course"],
  ["prenting course", "Growing Together Parenting Course"],
  ["breastfeding", "Baby Feeding Café"],
  ["brestfeeding help", "Feeding Helpline and Home Visits"],
  ["bereavment", "Children's Bereavement Support"],
  ["berevement", "Children's Bereavement Support"],
  ["counciling", "Counselling for Young People"],
  ["yung carers", "Young Carers Groups"],
  ["young cerers", "Young Carers Groups"],
  ["kinship carres", "Kinship Carers' Support Group"],
  ["autsim", "Understanding Autism and ADHD Workshops"],
  ["sleep clnic", "Family Sleep Clinic"],
  ["massgae", "Baby Massage Course"],
  ["mentorign", "Volunteer Mentoring"],
  ["homelessnes", "Young People's Housing and Homelessness Advice"],
  ["perinatl", "Perinatal Peer Support Groups"],
  ["playschme", "Holiday Playscheme"],
  ["uniform swop", "School Uniform Swap"],
  // plurals and other word forms
  ["nappies", "Baby Bank"],
  ["nappy", "Baby Bank"],
  ["parents of teenagers", "Teen Talk for Parents"],
  ["youth clubs", "Eastside Youth Club"],
  ["benefit check", "Family Benefits and Income Check"],
  ["dads", "Dads' Wellbeing Group"],
  ["young carer", "Young Carers Groups"],
  // synonyms and everyday words
  ["grief", "Children's Bereavement Support"],
  ["grieving child", "Bereavement Advice Line for Parents and Schools"],
  ["food bank", "Family Larder"],
  ["foodbank", "Family Larder"],
  ["pantry", "Family Larder"],
  ["pregnant", "One-to-One Perinatal Befriending"],
  ["maternity", "Perinatal Peer Support Groups"],
  ["counseling", "Counselling for Young People"],
  ["breastfeeding", "Baby Feeding Café"],
  ["domestic violence", "Mums Moving On"],
  ["asylum seeker", "Family Settlement Support"],
  ["special needs", "ASN Family Support Worker"],
  ["esol", "Family English and Play"],
  ["tantrums", "Growing Together Parenting Course"],
  ["drinking", "Family Recovery Keywork"],
  ["grandparents raising grandchildren", "Kinship Carers' Support Group"],
  ["debt", "Debt and Energy Advice for Families"],
  // as you type: the last word is the start of a word
  ["bereave", "Children's Bereavement Support"],
  ["young car", "Young Carers Groups"],
  ["playgr", "Community Playgroup"],
  ["foot", "Saturday Football and Multi-Sports"],
];

describe("queries people type find the service they mean, on the first page", () => {
  it("has at least 40 queries", () => expect(QUERIES.length).toBeGreaterThanOrEqual(40));

  it.each(QUERIES)("%s → %s", async (query, meant) => {
    const { items } = await firstPage(query);
    expect(items.map((i) => i.name)).toContain(meant);
  });
});

describe("how search words are understood", () => {
  it("forgives one slip from 4 letters and two from 9, swapped letters counting as one", () => {
    expect([allowedSlips("bab"), allowedSlips("yung"), allowedSlips("grief"), allowedSlips("parenting")]).toEqual([0, 1, 1, 2]);
    expect(slipDistance("parenting", "parnting")).toBe(1);
    expect(slipDistance("massage", "massgae")).toBe(1);
    expect(slipDistance("bereavement", "berevement")).toBe(1);
    expect(slipDistance("kitten", "sitting")).toBe(3);
  });

  it("keeps only letters and digits of what is typed, so no input changes the query's syntax", async () => {
    expect(queryWords("  Parents' & (teen) | !grief:* ")).toEqual(["parents", "teen", "grief"]);
    for (const q of ["'", "&|!", ":*", "\\", "<->", "a'b", "' or 1=1 --"]) {
      const result = await firstPage(q);
      expect(result.total).toBe(result.items.length);
    }
  });

  it("reports what a slip was taken to mean", async () => {
    const understood = await understandQuery("parnting");
    expect(understood.corrections).toEqual([{ typed: "parnting", meant: "parenting" }]);
    const { corrections } = await firstPage("parnting");
    expect(corrections).toEqual([{ typed: "parnting", meant: "parenting" }]);
  });

  it("does not fuzz short words or words the directory contains", async () => {
    // "play" is a word of the directory: Baby Massage and the Sleep Clinic (which say "plan", "relax") stay out.
    const { items } = await firstPage("play", { referral: "self" });
    const names = items.map((i) => i.name);
    expect(names).not.toContain("Baby Massage Course");
    expect(names).not.toContain("Family Sleep Clinic");
    expect((await understandQuery("play")).corrections).toEqual([]);
  });

  it("finds a slip as many services as the word itself", async () => {
    const [typo, right] = await Promise.all([firstPage("parentng"), firstPage("parenting")]);
    expect(typo.total).toBe(right.total);
  });

  it("ranks a match in the name above the summary above the description, and exact words above corrected ones", async () => {
    const { items } = await firstPage("bereavement");
    expect(items[0]!.name).toMatch(/bereavement/i);
    const { items: youth } = await firstPage("youth club");
    expect(youth[0]!.name).toMatch(/youth club/i);
  });

  it("counts exactly what it lists", async () => {
    for (const q of ["parenting", "grief", "food bank", "play", "young car"]) {
      const result = await searchServices({ filters: { ...none, q }, place: null, sort: "relevance", page: 1, pageSize: 200 });
      expect(result.total).toBe(result.items.length);
    }
  });

  it("suggests other words when nothing matches, only if they find something", async () => {
    const none1 = await firstPage("parenting zzqxv");
    expect(none1.total).toBe(0);
    expect(await suggestQuery("xqzvkwjj")).toBeNull();
    const result = await firstPage("bereevemint suport");
    if (result.total === 0) expect(result.didYouMean).toMatch(/bereavement/);
  });
});

describe("synonyms kept by coordinators", () => {
  it("a group a coordinator adds is searched at once; only coordinators can change them", async () => {
    const { signedIn, DEMO } = await import("../helpers");
    const { saveSynonymGroup, deleteSynonymGroup, listSynonymGroups, SynonymsRefused, synonymGroupSchema } = await import("~/directory/synonyms.server");
    expect((await firstPage("toddler disco")).items.map((i) => i.name)).not.toContain("Hilltown Stay and Play");
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const { user: provider } = await signedIn(DEMO.providerOne);
    const terms = synonymGroupSchema.parse({ terms: "Toddler disco, stay and play" }).terms;
    expect(terms).toEqual(["toddler disco", "stay and play"]);
    await expect(saveSynonymGroup(provider, null, terms)).rejects.toBeInstanceOf(SynonymsRefused);
    await saveSynonymGroup(coordinator, null, terms);
    expect((await firstPage("toddler disco")).items.map((i) => i.name)).toContain("Hilltown Stay and Play");
    const group = (await listSynonymGroups()).find((g) => g.terms[0] === "toddler disco")!;
    await deleteSynonymGroup(coordinator, group.id);
    expect((await firstPage("toddler disco")).items.map((i) => i.name)).not.toContain("Hilltown Stay and Play");
    expect(synonymGroupSchema.safeParse({ terms: "grief" }).success).toBe(false);
  });
});

// What a person meant by the words they typed into the directory's search box. Before any service is searched, each
// word is looked up in the directory's own dictionary (search_words, a few thousand rows whatever the number of
// services): a word the directory does not contain is probably a slip and is corrected to the nearest words that
// are in it (trigram similarity for candidates, then edit distance with swapped letters counting as one slip); the last
// word also stands for the words it begins (search as you type); and words and phrases coordinators have marked as
// meaning the same (synonym_groups) are added as alternatives. The result is one plain full-text query, answered by
// the GIN index on services.search_document, the same on PostgreSQL and PGlite.
import { sql } from "drizzle-orm";
import { getDb } from "../db.server";

export interface UnderstoodQuery {
  /** Text for to_tsquery('english', …): every word (or an alternative for it) must match. Null: no usable words. */
  tsquery: string | null;
  /** The words exactly as typed (stemmed, no alternatives), to rank exact matches above corrected ones. */
  exactTsquery: string | null;
  /** Words that were not in the directory and what they were taken to mean. */
  corrections: { typed: string; meant: string }[];
}

const MAX_WORDS = 10;
const CANDIDATES_PER_WORD = 12;
const CORRECTIONS_PER_WORD = 3;
const PREFIX_EXPANSIONS = 8;

/** Words in a query: letters and digits only, lower case, so that nothing typed can change the query's syntax. */
export function queryWords(q: string): string[] {
  return (
    q
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, MAX_WORDS);
}

/**
 * Slips forgiven in a word the directory does not contain: one from 4 letters ("yung", "swop"), two from 9. Words of 3
 * letters or fewer are never corrected: too many of them are one letter apart. A word the directory contains is
 * never corrected at all, so exact matches are not drowned by near misses ("play" does not also find "plan").
 */
export function allowedSlips(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 4 ? 1 : 0;
}

/**
 * Edit distance counting an insertion, a deletion, a substitution or two neighbouring letters swapped as one slip
 * (optimal string alignment distance).
 */
export function slipDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Singular and plural forms compare equal when matching synonyms ("nappies" and "nappy", "carers" and "carer"). */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

const quote = (word: string) => `'${word}'`;
const phrase = (words: string[]) => (words.length === 1 ? quote(words[0]!) : `(${words.map(quote).join(" <-> ")})`);
const anyOf = (clauses: string[]) => (clauses.length === 1 ? clauses[0]! : `(${[...new Set(clauses)].join(" | ")})`);

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const db = await getDb();
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

// Synonyms change rarely and the table is small: read it at most once a minute per server.
let synonymCache: { at: number; groups: string[][] } | null = null;
const SYNONYM_CACHE_MS = 60_000;

export function forgetSynonyms() {
  synonymCache = null;
}

async function synonymGroups(): Promise<string[][]> {
  if (synonymCache && Date.now() - synonymCache.at < SYNONYM_CACHE_MS) return synonymCache.groups;
  const list = await rows<{ terms: string[] }>(sql`select terms from synonym_groups`);
  const groups = list.map((r) => r.terms.map((t) => queryWords(t).join(" ")).filter((t) => t.length > 0));
  synonymCache = { at: Date.now(), groups };
  return groups;
}

/** Dictionary look-ups for all words of a query at once: which are known, the nearest words, the words a prefix begins. */
async function lookUp(words: string[], prefix: string | null) {
  const known = new Set(
    (
      await rows<{ word: string }>(
        sql`select word from search_words where word in (${sql.join(
          words.map((w) => sql`${w}`),
          sql`, `,
        )})`,
      )
    ).map((r) => r.word),
  );
  const unknown = words.filter((w) => !known.has(w) && allowedSlips(w) > 0);
  const nearest = new Map<string, string[]>();
  for (const word of new Set(unknown)) {
    // Nearest by trigram similarity; the edit distance then decides. Ordered by similarity() over the (small)
    // dictionary rather than by the GiST index's `<->` walk: in the end-to-end runs on embedded PGlite, a search for
    // "parentng" once blocked the whole server inside that index walk (CI, 30 November), and the scan is cheap.
    const candidates = await rows<{ word: string }>(sql`
      select word from search_words where length(word) between ${word.length - 2} and ${word.length + 2}
      order by similarity(word, ${word}) desc, word limit ${CANDIDATES_PER_WORD}`);
    const close = candidates
      .map((c) => ({ word: c.word, distance: slipDistance(word, c.word) }))
      .filter((c) => c.distance <= allowedSlips(word))
      .sort((a, b) => a.distance - b.distance || a.word.localeCompare(b.word))
      .slice(0, CORRECTIONS_PER_WORD)
      .map((c) => c.word);
    nearest.set(word, close);
  }
  let completions: string[] = [];
  if (prefix && prefix.length >= 3) {
    completions = (
      await rows<{ word: string }>(sql`
        select word from search_words where word like ${`${prefix.replace(/[\\%_]/g, "")}%`} and word <> ${prefix}
        order by length(word), word limit ${PREFIX_EXPANSIONS}`)
    ).map((r) => r.word);
  }
  return { known, nearest, completions };
}

/** Works out what a query means; see the top of this file. */
export async function understandQuery(q: string): Promise<UnderstoodQuery> {
  const words = queryWords(q);
  if (words.length === 0) return { tsquery: null, exactTsquery: null, corrections: [] };
  const last = words[words.length - 1]!;
  const { known, nearest, completions } = await lookUp(words, last);

  // What each position may stand for: the word itself, its corrections, and (the last word) what it begins.
  const corrections: UnderstoodQuery["corrections"] = [];
  const alternatives = words.map((word, i) => {
    const options = [word];
    if (!known.has(word)) {
      const close = nearest.get(word) ?? [];
      options.push(...close);
      if (close.length > 0) corrections.push({ typed: word, meant: close[0]! });
    }
    if (i === words.length - 1) options.push(...completions);
    return options;
  });

  // Synonyms: a term (one word or a phrase) found at a position adds the other terms of its group there.
  const groups = await synonymGroups();
  const spans = new Map<number, { length: number; terms: string[] }>();
  for (const group of groups) {
    for (const term of group) {
      const termWords = term.split(" ");
      for (let i = 0; i + termWords.length <= words.length; i++) {
        const matches = termWords.every((t, j) => alternatives[i + j]!.some((a) => singular(a) === singular(t)));
        if (!matches) continue;
        const existing = spans.get(i);
        const others = group.filter((g) => g !== term);
        if (!existing || existing.length < termWords.length) spans.set(i, { length: termWords.length, terms: others });
        else if (existing.length === termWords.length) existing.terms.push(...others);
      }
    }
  }

  const clauses: string[] = [];
  const clauseFor = (i: number) => {
    const options = alternatives[i]!.map(quote);
    // Search as you type: the last word also matches longer words it begins (stemmed, so "parenti" reaches "parent").
    if (i === words.length - 1 && words[i]!.length >= 3) options.push(`${quote(words[i]!)}:*`);
    return anyOf(options);
  };
  for (let i = 0; i < words.length;) {
    const span = spans.get(i);
    if (span) {
      const own = Array.from({ length: span.length }, (_, j) => clauseFor(i + j));
      const asTyped = own.length === 1 ? own[0]! : `(${own.join(" & ")})`;
      clauses.push(anyOf([asTyped, ...span.terms.map((t) => phrase(t.split(" ")))]));
      i += span.length;
    } else {
      clauses.push(clauseFor(i));
      i += 1;
    }
  }
  return { tsquery: clauses.join(" & "), exactTsquery: words.map(quote).join(" & "), corrections };
}

/**
 * When nothing matched: the query with each word replaced by the nearest word in the directory, however many slips
 * away, or null if that changes nothing.
 */
export async function suggestQuery(q: string): Promise<string | null> {
  const words = queryWords(q);
  if (words.length === 0) return null;
  const suggested: string[] = [];
  for (const word of words) {
    const [best] = await rows<{ word: string; similarity: number }>(sql`
      select word, similarity(word, ${word}) as similarity from search_words order by similarity(word, ${word}) desc, word limit 1`);
    suggested.push(best && Number(best.similarity) >= 0.25 ? best.word : word);
  }
  const suggestion = suggested.join(" ");
  return suggestion === words.join(" ") ? null : suggestion;
}

// Directory page benchmark (issue 13): how long `/` takes to answer for everyday searches. Run by hand, never in
// tests, against a running FORT (small scale, e.g. the demo data) and, to compare, another build:
//
//   npx tsx bench/directory-page.ts http://localhost:3000 [http://localhost:3001 …]
//
// Each URL is requested ROUNDS times per server in turn (interleaved, so load on the machine hits both alike);
// prints the median and 90th percentile in milliseconds per page.
export {};

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PAGES = [
  "/",
  "/?q=parenting",
  "/?q=parnting",
  "/?q=food+bank",
  "/?q=young+car",
  "/?need=nurtured&age=3",
  "/?q=play&referral=self",
  "/?q=support&near=DD4",
  "/?q=xqzvkw",
];

const servers = process.argv.slice(2);
if (servers.length === 0) {
  console.error("Give the address of at least one running FORT, e.g. http://localhost:3000");
  process.exit(1);
}

async function time(url: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url);
  await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return performance.now() - start;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const results = new Map<string, number[]>();
for (const page of PAGES) for (const server of servers) await time(server + page); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const page of PAGES) {
    for (const server of servers) {
      const key = `${server}\t${page}`;
      const list = results.get(key) ?? [];
      list.push(await time(server + page));
      results.set(key, list);
    }
  }
}
console.log(["page", ...servers.flatMap((s) => [`${s} median`, "p90"])].join("\t"));
for (const page of PAGES) {
  const cells = servers.flatMap((server) => {
    const list = results.get(`${server}\t${page}`)!;
    return [quantile(list, 0.5).toFixed(1), quantile(list, 0.9).toFixed(1)];
  });
  console.log([page, ...cells].join("\t"));
}

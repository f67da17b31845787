// Test databases are migrated and seeded once (a template), then copied for each test file.
export function databaseNameFor(url: string, suffix: string) {
  const base = new URL(url).pathname.replace(/^\//, "") || "postgres";
  return `${base}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, "_").slice(0, 63);
}

export function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

// Fictional demo accounts, one per role. The passwords are public on purpose (README, start-up banner):
// never seed demo data into a real deployment (SEED_DEMO_DATA=false).
export const DEMO_PASSWORD_NOTE = "Demo accounts are for trying FORT out; set SEED_DEMO_DATA=false in production.";

export const DEMO_TEAMS = [
  { key: "hv-east", name: "East Dundee Health Visiting Team", kind: "health_visiting" },
  { key: "baxter-park-primary", name: "Baxter Park Primary School (fictional)", kind: "school" },
] as const;

export const DEMO_USERS = [
  {
    email: "coordinator@fort.example.org",
    password: "demo-coordinator-1",
    name: "Morag Henderson",
    role: "coordinator",
    jobTitle: "FORT coordinator",
    team: null,
    organisation: null,
    isAdmin: false,
    describe: "coordinator",
  },
  {
    email: "health.visitor@fort.example.org",
    password: "demo-referrer-1",
    name: "Aileen Baxter",
    role: "referrer",
    jobTitle: "Health visitor (named person)",
    team: "hv-east",
    organisation: null,
    isAdmin: false,
    describe: "referrer (health visitor)",
  },
  {
    email: "guidance.teacher@fort.example.org",
    password: "demo-referrer-2",
    name: "Callum Reid",
    role: "referrer",
    jobTitle: "Principal teacher of guidance (named person)",
    team: "baxter-park-primary",
    organisation: null,
    isAdmin: false,
    describe: "referrer (guidance teacher)",
  },
  {
    email: "provider.one@fort.example.org",
    password: "demo-provider-1",
    name: "Fiona Lindsay",
    role: "provider",
    jobTitle: "Service manager",
    team: null,
    organisation: 0,
    isAdmin: true,
    describe: "provider (organisation admin)",
  },
  {
    email: "provider.two@fort.example.org",
    password: "demo-provider-2",
    name: "Ravi Sharma",
    role: "provider",
    jobTitle: "Family support worker",
    team: null,
    organisation: 1,
    isAdmin: false,
    describe: "provider",
  },
] as const;

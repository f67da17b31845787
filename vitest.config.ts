import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/**/*.test.ts", "app/**/*.test.ts"],
    globalSetup: ["test/setup/global-setup.ts"],
    setupFiles: ["test/setup/database.ts"],
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test", SEED_DEMO_DATA: "false", DATA_ENCRYPTION_KEY: "dGVzdC1vbmx5LWtleS1mb3ItZm9ydC10ZXN0cy0zMmI=" },
  },
});

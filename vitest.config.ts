import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

// Two projects: "workers" runs inside workerd (the gateway's own code, with the fake upstream on
// loopback); "node" runs in plain Node for what must drive the gateway from outside (npm start,
// a real browser). Run one with `npx vitest run --project workers`.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url))),
                MANAGEMENT_KEY: "lr_mgmt_test_bootstrap_key_0000000000",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/apply-migrations.ts"],
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**"],
          testTimeout: 20000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 180000,
          hookTimeout: 180000,
        },
      },
    ],
  },
});

import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
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
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 20000,
  },
});

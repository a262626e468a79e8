import type { TestProject } from "vitest/node";
// @ts-ignore -- scripts/fake-upstream.mjs is plain JavaScript without type declarations.
import { startFakeUpstream as startUntyped } from "../scripts/fake-upstream.mjs";

interface FakeUpstreamServer {
  url: string;
  port: number;
  fixturesDir: string;
  hasFixtures: boolean;
  close(): Promise<void>;
}
const startFakeUpstream = startUntyped as (opts?: {
  port?: number;
  host?: string;
  sharedFixturesDir?: string;
}) => Promise<FakeUpstreamServer>;

// The fake upstream is a real HTTP server on loopback, started once for the whole run.
// Tests reach it from inside workerd through test/helpers/fake-upstream.ts.
export default async function setup(project: TestProject) {
  const server = await startFakeUpstream({ port: 0 });
  project.provide("fakeUpstreamUrl", server.url);
  project.provide("sharedFixturesAvailable", server.hasFixtures);
  // In CI the recordings must be there: a missing ../shared/fixtures fails the replay suites.
  project.provide("sharedFixturesRequired", process.env.CI === "true");
  return async () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake upstream, e.g. http://127.0.0.1:41234 (no trailing slash). */
    fakeUpstreamUrl: string;
    /** Whether the shared recorded fixtures (../shared/fixtures) exist on this machine. */
    sharedFixturesAvailable: boolean;
    /** CI=true: suites that replay the shared fixtures fail, instead of skipping, when they are absent. */
    sharedFixturesRequired: boolean;
  }
}

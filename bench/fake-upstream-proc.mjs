// The fake upstream in its own process (forked by bench/run.mjs with IPC), so its CPU never mixes
// with the runtime's. Exits when the parent goes away.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { startFakeUpstream } = await import(pathToFileURL(path.join(root, "scripts", "fake-upstream.mjs")).href);

// No recording: a benchmark sends hundreds of thousands of requests (100 KB bodies included).
const srv = await startFakeUpstream({ port: 0, host: "127.0.0.1", defaults: { record: false }, sharedFixturesDir: path.join(root, "bench", ".no-fixtures") });
process.send?.({ url: srv.url });
const stop = () => srv.close().finally(() => process.exit(0));
process.on("disconnect", stop);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

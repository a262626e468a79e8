// Command-line options of bench/run.mjs.
import path from "node:path";

export const USAGE = `usage: npm run bench -- [options]
  --rounds N          interleaved rounds (gateway, pass-through, floor, Portkey…) per scenario (default 3)
  --duration S        seconds per autocannon run (default 3); long streams last max(S, 5) × 0.6 s
  --connections N     autocannon concurrency (default 10)
  --quick             fast smoke run: 1 round, 1 s runs, small probes
  --only a,b          run only these scenario ids (see bench/README.md)
  --no-build          reuse the bundle in bench/.build instead of running wrangler
  --bundle FILE       benchmark this prebuilt Worker entry module instead (implies --no-build)
  --disk-storage      keep local D1/KV/DO storage in Miniflare's default temp dir (default: tmpfs)
  --portkey FILE      Portkey's prebuilt Worker bundle (default ../shared/baselines/portkey-gateway-1.15.2/index.js)
  --no-portkey        run without the Portkey baseline
  --profile[=a,b]     after the rounds, the CPU breakdown: one extra load run per scenario with the V8
                      profilers on (gateway, D1 and floor isolates; sampled allocations), .cpuprofile
                      files, top functions and where the time goes above the floor
  --out FILE          JSON output path (default bench/results/<timestamp>.json)
  --help`;

export function parseArgs(argv) {
  const o = { rounds: 3, duration: 3, portkey: undefined, connections: 10, quick: false, build: true, bundle: null, only: null, out: null, diskStorage: false, profile: null };
  const num = (name, v, min, max) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in [${min}, ${max}], got '${v}'`);
    return n;
  };
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case "--rounds":
        o.rounds = Math.round(num(a, next(), 1, 50));
        explicit.add("rounds");
        break;
      case "--duration":
        o.duration = num(a, next(), 0.5, 120);
        explicit.add("duration");
        break;
      case "--connections":
        o.connections = Math.round(num(a, next(), 1, 500));
        break;
      case "--quick":
        o.quick = true;
        break;
      case "--no-build":
        o.build = false;
        break;
      case "--bundle":
        o.bundle = path.resolve(next());
        o.build = false;
        break;
      case "--profile":
        o.profile = v !== undefined ? v.split(",").map((x) => x.trim()).filter(Boolean) : ["*"];
        break;
      case "--portkey":
        o.portkey = next();
        break;
      case "--no-portkey":
        o.portkey = false;
        break;
      case "--disk-storage":
        o.diskStorage = true;
        break;
      case "--only":
        o.only = String(next()).split(",").map((s) => s.trim()).filter(Boolean);
        break;
      case "--out":
        o.out = path.resolve(next());
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown option '${a}'\n${USAGE}`);
    }
  }
  if (o.quick) {
    if (!explicit.has("rounds")) o.rounds = 1;
    if (!explicit.has("duration")) o.duration = 1;
  }
  // Probe sizes: fixed request counts at fixed concurrency.
  o.warmupRequests = o.quick ? 10 : 40;
  o.latencyProbe = { requests: o.quick ? 40 : 200, concurrency: 1 };
  o.ttftProbe = { requests: o.quick ? 30 : 100, concurrency: 10, chunkDelayMs: 1 };
  // Long streams: max(duration, 5) × 120 chunks 5 ms apart (600, ~3 s, by default).
  o.longStreams = { chunkDelayMs: 5, chunks: o.quick && !explicit.has("duration") ? 120 : Math.round(Math.max(o.duration, 5) * 120) };
  o.settleMs = 150;
  return o;
}


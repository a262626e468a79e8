// Port choice for `npm start`: the preferred port (8787, or --port / PORT) when it is free, else the
// next free one, so a second gateway or another dev server on 8787 does not stop the first run.
import net from "node:net";

/** false when something already listens there; an address this machine lacks (no IPv6) blocks nothing. */
function canListen(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (e) => resolve(!(e.code === "EADDRINUSE" || e.code === "EACCES")));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const WILDCARDS = new Set(["0.0.0.0", "::", "*"]);

/** The addresses whose listeners would collide with the gateway (or answer its localhost URL instead). */
function hostsFor(ip) {
  if (WILDCARDS.has(ip)) return [undefined, "127.0.0.1", "::1"];
  if (ip === "127.0.0.1" || ip === "localhost") return ["127.0.0.1", "::1"];
  return [ip];
}

export async function isPortFree(port, ip) {
  for (const host of hostsFor(ip)) if (!(await canListen(port, host))) return false;
  return true;
}

/** The preferred port or the next free one above it. */
export async function pickPort(preferred, ip, tries = 100) {
  for (let port = preferred; port < preferred + tries && port <= 65535; port++) {
    if (await isPortFree(port, ip)) return port;
  }
  throw new Error(`no free port in ${preferred}–${preferred + tries - 1}; pass another with npm start -- --port N`);
}

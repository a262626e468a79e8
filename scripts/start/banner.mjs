// The startup banner is the quick start: where the gateway is, the keys, and lines to paste.
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint("1");
const yellow = paint("1;33");
const dim = paint("2");

const shellJson = (value) => `'${JSON.stringify(value)}'`; // the JSON bodies here hold no single quote

/**
 * o: {url, port, preferredPort, demo: {on, explicit, providers}, managementKey (first run only),
 *     key: {key, status, detail}, model}
 */
export function renderBanner(o) {
  const key = o.key.key ?? "$AROUTER_API_KEY";
  const out = [""];
  const line = (s = "") => out.push(s ? `  ${s}` : "");
  line(`${bold("ARouter is running:")} ${bold(o.url)}`);
  if (o.port !== o.preferredPort) line(`(port ${o.preferredPort} is in use, so npm start picked ${o.port})`);
  line();
  if (o.demo.on) {
    line(yellow("DEMO MODE — every model is answered by the built-in demo upstream: canned text, not a real model."));
    line(o.demo.explicit ? "DEMO=1 is set" + (o.demo.providers.length ? `, so .dev.vars' ${o.demo.providers.join(", ")} ${o.demo.providers.length > 1 ? "are" : "is"} not used.` : ".") : "No provider key is set in .dev.vars.");
    line(`Every answer carries the header x-arouter-demo: true; /v1/models marks each model "demo": true.`);
    if (o.demo.explicit) line("Use real providers: remove DEMO=1 (from .dev.vars or the environment) and restart npm start.");
    else line("Use a real provider: put its key in .dev.vars (e.g. OPENAI_API_KEY=sk-…) and restart npm start.");
  } else if (o.demo.providers.length) {
    line(`Providers configured in .dev.vars: ${o.demo.providers.join(", ")}`);
  } else {
    line(yellow("No provider is configured and DEMO is off: model calls answer 503."));
    line("Put a provider key in .dev.vars (e.g. OPENAI_API_KEY=sk-…), or remove DEMO=0, and restart.");
  }
  line();
  if (o.managementKey) line(`Management key (new, shown once; also in .dev.vars as MANAGEMENT_KEY): ${bold(o.managementKey)}`);
  else line(`Management key: MANAGEMENT_KEY in .dev.vars`);
  const keyNote = {
    created: "created now, saved in .dev.vars as AROUTER_API_KEY",
    replaced: "the stored one no longer worked, e.g. after a local database reset; created a new one, saved in .dev.vars",
    reused: "AROUTER_API_KEY from .dev.vars",
  }[o.key.status];
  if (keyNote) line(`Your API key (${keyNote}): ${bold(key)}`);
  else line(yellow(`Could not create an API key (${o.key.status}${o.key.detail ? `: ${o.key.detail}` : ""}); create one with the management key: POST ${o.url}/api/v1/keys`));
  line();
  const messages = [{ role: "user", content: "Hello" }];
  const curl = (body, extra = "") =>
    `curl${extra} ${o.url}/v1/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d ${shellJson(body)}`;
  line("Try it:");
  line(`  ${curl({ model: o.model, messages })}`);
  line(dim("Streamed:"));
  line(`  ${curl({ model: o.model, messages, stream: true }, " -N")}`);
  line();
  line("SDKs and agents:");
  const clients = [
    ["OpenAI SDKs", `OPENAI_BASE_URL=${o.url}/v1 OPENAI_API_KEY=${key}`],
    ["Anthropic SDKs, Claude Code", `ANTHROPIC_BASE_URL=${o.url} ANTHROPIC_API_KEY=${key}`],
    ["Gemini SDK, Gemini CLI", `GOOGLE_GEMINI_BASE_URL=${o.url} GEMINI_API_KEY=${key}`],
  ];
  for (const [who, env] of clients) line(`  ${`${who}:`.padEnd(29)}${env}`);
  line();
  line(`Website: ${o.url}/   Console: ${o.url}/console (sign in with the management key)`);
  line(dim("Ctrl-C stops the gateway" + (o.demo.on ? " and the demo upstream." : ".")));
  out.push("");
  return out.join("\n");
}

// Load on a live session, as a room of phones would make it (issue 17's target; run by
// scripts/live-load, which starts the servers).
//
//   node scripts/live-load.mjs CODE SECONDS PARTICIPANTS BASE [BASE...]
//
// Each participant joins through one of the servers (in turn), keeps the session's event stream
// open and, like the page's script, puts what the stream carries in place (new cards, dot
// counts), fetches the ranking at most every five seconds after dots move, and fetches its whole
// board again (one fetch at a time) when the stream only says something changed. Over SECONDS, each writes one card and places two dots on other
// people's cards. For every card and every board: the time from the card's POST being sent to
// the card's words first appearing in that board's HTML. Prints the p50, p99 and max of those
// times, the number of errors, and how many boards saw every card.
import http from "node:http";

const [code, secondsArg, participantsArg, ...bases] = process.argv.slice(2);
const seconds = Number(secondsArg);
const participants = Number(participantsArg);
if (!code || !seconds || !participants || bases.length === 0) {
  console.error("usage: node scripts/live-load.mjs CODE SECONDS PARTICIPANTS BASE [BASE...]");
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 4096 });
let errors = 0;
const errorKinds = new Map();
function failed(kind) {
  errors += 1;
  errorKinds.set(kind, (errorKinds.get(kind) || 0) + 1);
}

function request(base, method, path, { cookie = "", body = "" } = {}) {
  return new Promise((resolve) => {
    const url = new URL(path, base);
    const headers = { Cookie: cookie, "Accept-Encoding": "identity" };
    if (method === "POST") {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", () => resolve({ status: 0, headers: {}, body: "" }));
    req.setTimeout(30000, () => req.destroy());
    req.end(body);
  });
}

function cookiesFrom(res, jar) {
  for (const set of res.headers["set-cookie"] || []) {
    const [pair] = set.split(";");
    const [name, value] = pair.split("=");
    jar.set(name, value);
  }
  return [...jar].map(([n, v]) => `${n}=${v}`).join("; ");
}

const perspectives = ["person", "person", "carer", "staff", "other"];
const posted = new Map(); // card words -> time its POST was sent
const arrivals = []; // ms from POST to a board seeing it
const seenBy = new Map(); // card words -> boards that saw it
let deltas = 0; // changes put in place from the stream
let fetches = 0; // whole boards fetched
let rankings = 0; // rankings fetched

class Participant {
  constructor(i) {
    this.i = i;
    this.base = bases[i % bases.length];
    this.jar = new Map();
    this.cookie = "";
    this.seen = new Set();
    this.busy = false;
    this.again = false;
    this.version = null;
    this.cards = [];
    this.rankingTimer = null;
  }

  async join() {
    const page = await request(this.base, "GET", "/join");
    this.cookie = cookiesFrom(page, this.jar);
    this.csrf = this.jar.get("mir_csrf");
    const joined = await request(this.base, "POST", `/live/${code}/join`, {
      cookie: this.cookie,
      body: `csrf_token=${this.csrf}&perspective=${perspectives[this.i % perspectives.length]}&name=`,
    });
    if (joined.status !== 303) failed(`join ${joined.status}`);
    this.cookie = cookiesFrom(joined, this.jar);
  }

  listen() {
    const url = new URL(`/live/${code}/events?board=participant`, this.base);
    const req = http.request(url, { headers: { Accept: "text/event-stream", Cookie: this.cookie } }, (res) => {
      let buffer = "";
      res.on("data", (chunk) => {
        buffer += chunk.toString();
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = event.split("\n");
          const name = (lines.find((l) => l.startsWith("event: ")) || "event: message").slice(7);
          const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!data) continue;
          if (name === "delta") this.delta(JSON.parse(data));
          else if (this.version === null || Number(data) > this.version) this.refresh();
        }
      });
      res.on("error", () => {});
    });
    req.on("error", () => failed("stream"));
    req.end();
    this.stream = req;
  }

  // As the page's script: in place when the change starts from what this board shows.
  delta(d) {
    if (this.busy || d.from !== this.version) {
      if (d.version > (this.version ?? -1)) this.refresh();
      return;
    }
    const now = performance.now();
    for (const card of d.added) {
      const words = (card.html.match(/live-card__text">([^<]*)</) || [])[1];
      if (words && posted.has(words)) this.arrived(words, now);
      this.cards.push(`c${card.id}`);
    }
    this.version = d.version;
    deltas += 1;
    if (d.reranks && !this.rankingTimer) {
      this.rankingTimer = setTimeout(async () => {
        const ranking = await request(this.base, "GET", `/live/${code}/ranking`, { cookie: this.cookie });
        if (ranking.status !== 200) failed(`ranking ${ranking.status}`);
        rankings += 1;
        this.rankingTimer = null;
      }, 5000);
    }
  }

  saw(html, now) {
    for (const words of posted.keys()) {
      if (html.includes(words)) this.arrived(words, now);
    }
  }

  arrived(words, now) {
    if (this.seen.has(words)) return;
    this.seen.add(words);
    arrivals.push(now - posted.get(words));
    seenBy.set(words, (seenBy.get(words) || 0) + 1);
  }

  async refresh() {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const page = await request(this.base, "GET", `/live/${code}`, { cookie: this.cookie });
    const now = performance.now();
    if (page.status !== 200) failed(`board ${page.status}`);
    fetches += 1;
    this.saw(page.body, now);
    const version = page.body.match(/data-live-version="(\d+)"/);
    if (version) this.version = Number(version[1]);
    this.cards = [...page.body.matchAll(/name="target" value="(c\d+)"/g)].map((m) => m[1]);
    this.busy = false;
    if (this.again) {
      this.again = false;
      this.refresh();
    }
  }

  async write() {
    const words = `Load card ${this.i} ${Math.random().toString(36).slice(2, 10)}`;
    posted.set(words, performance.now());
    const res = await request(this.base, "POST", `/live/${code}/cards`, {
      cookie: this.cookie,
      body: `csrf_token=${this.csrf}&kind=idea&text=${encodeURIComponent(words)}`,
    });
    if (res.status !== 303) failed(`card ${res.status}`);
  }

  async dot() {
    const targets = this.cards || [];
    if (targets.length === 0) return;
    const target = targets[Math.floor(Math.random() * targets.length)];
    const res = await request(this.base, "POST", `/live/${code}/dots`, {
      cookie: this.cookie,
      body: `csrf_token=${this.csrf}&target=${target}`,
    });
    // A dot already placed there is taken off (303 too); none left is a 409, not an error.
    if (res.status !== 303 && res.status !== 409) failed(`dot ${res.status}`);
  }
}

const room = Array.from({ length: participants }, (_, i) => new Participant(i));
const joinedAt = performance.now();
for (let i = 0; i < room.length; i += 20) {
  await Promise.all(room.slice(i, i + 20).map((p) => p.join()));
}
console.log(`joined: ${participants} in ${((performance.now() - joinedAt) / 1000).toFixed(1)} s`);
room.forEach((p) => p.listen());
await Promise.all(room.map((p) => p.refresh()));
await new Promise((r) => setTimeout(r, 1000));

const spread = seconds * 1000;
await Promise.all(
  room.map(async (p) => {
    await new Promise((r) => setTimeout(r, Math.random() * spread * 0.6));
    await p.write();
    await new Promise((r) => setTimeout(r, Math.random() * spread * 0.2));
    await p.dot();
    await new Promise((r) => setTimeout(r, Math.random() * spread * 0.2));
    await p.dot();
  }),
);
// Let the last changes reach every board.
await new Promise((r) => setTimeout(r, 5000));
room.forEach((p) => {
  p.stream.destroy();
  clearTimeout(p.rankingTimer);
});

arrivals.sort((a, b) => a - b);
const at = (q) => arrivals[Math.min(arrivals.length - 1, Math.floor(q * arrivals.length))] ?? NaN;
const complete = [...posted.keys()].filter((w) => (seenBy.get(w) || 0) === participants).length;
console.log(`cards: ${posted.size}; board arrivals: ${arrivals.length} of ${posted.size * participants}`);
console.log(`cards every board saw: ${complete} of ${posted.size}`);
console.log(`post to board: p50 ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`);
console.log(`changes put in place: ${deltas}; whole boards fetched: ${fetches}; rankings fetched: ${rankings}`);
console.log(`errors: ${errors}${errors ? " " + JSON.stringify(Object.fromEntries(errorKinds)) : ""}`);
agent.destroy();
process.exit(0);

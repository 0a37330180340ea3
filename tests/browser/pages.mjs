import { readFileSync } from "node:fs";

// Every public page, once: `tests/public-pages.json` is read here and by the route × role
// matrix (crates/mir-web/tests/it/roles.rs), so a new public page is one line there. Each is
// checked as it is and, with `"easy": true`, in Easy Read too.
export const PUBLIC_PAGES = JSON.parse(readFileSync(new URL("../public-pages.json", import.meta.url), "utf8"));

const easy = (path) => path + (path.includes("?") ? "&" : "?") + "view=easy";

// Pages seen another way than the list's: with filters, finding nothing, or not there at all.
const VARIANTS = [
  { path: "/organisations?region=E12000001&plan=yes&sort=updated", name: "directory-filtered" },
  { path: "/map?theme=FI", name: "map-theme" },
  { path: "/map?region=E12000007", name: "map-region-london" },
  { path: "/map?place=North", name: "map-place-choices" },
  { path: "/organisations?place=Redcar&theme=WB", name: "directory-near-place" },
  { path: "/organisations?place=North", name: "directory-place-choices" },
  { path: "/organisations?place=Atlantis", name: "directory-place-not-found" },
  { path: "/areas/E10000003", name: "area-nearest" },
  { path: "/compare?org=demo-oakfield-home-care", name: "compare-one" },
  { path: "/search?q=%3Cnothing%3E", name: "search-nothing" },
  { path: "/no-such-page", name: "not-found", status: 404 },
  { path: "/no-such-page?view=easy", name: "not-found-easy", status: 404 },
];

export const PAGES = [
  ...PUBLIC_PAGES.flatMap(({ path, name, easy: alsoEasy }) =>
    alsoEasy ? [{ path, name }, { path: easy(path), name: `${name}-easy` }] : [{ path, name }],
  ),
  ...VARIANTS,
];

export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
  ],
};

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
export const PAGE_WEIGHT_LIMIT = 50 * 1024;

// Every page a visitor can reach, in both views. Add new pages here.
export const PAGES = [
  { path: "/", name: "home" },
  { path: "/?view=easy", name: "home-easy" },
  { path: "/accessibility", name: "accessibility" },
  { path: "/accessibility?view=easy", name: "accessibility-easy" },
  { path: "/privacy", name: "privacy" },
  { path: "/privacy?view=easy", name: "privacy-easy" },
  { path: "/cookies", name: "cookies" },
  { path: "/cookies?view=easy", name: "cookies-easy" },
  { path: "/contact", name: "contact" },
  { path: "/contact?view=easy", name: "contact-easy" },
  { path: "/frameworks", name: "frameworks" },
  { path: "/frameworks?view=easy", name: "frameworks-easy" },
  { path: "/frameworks/demonstration", name: "framework" },
  { path: "/frameworks/demonstration?view=easy", name: "framework-easy" },
  { path: "/frameworks/demonstration/themes/WB", name: "theme" },
  { path: "/frameworks/demonstration/themes/WB?view=easy", name: "theme-easy" },
  { path: "/frameworks/demonstration/statements/WB-I1", name: "statement" },
  { path: "/frameworks/demonstration/statements/WB-I1?view=easy", name: "statement-easy" },
  { path: "/frameworks/demonstration/themes/WB/print", name: "statement-cards" },
  { path: "/frameworks/demonstration/themes/WB/print?view=easy", name: "statement-cards-easy" },
  { path: "/sign-in", name: "sign-in" },
  { path: "/sign-in?view=easy", name: "sign-in-easy" },
  { path: "/sign-in/check-email", name: "check-email" },
  { path: "/password-reset", name: "password-reset" },
  { path: "/manage/sign-up", name: "sign-up-start" },
  { path: "/manage/sign-up?view=easy", name: "sign-up-start-easy" },
  { path: "/manage/sign-up/name", name: "sign-up-name" },
  { path: "/manage/sign-up/kind", name: "sign-up-kind" },
  { path: "/manage/sign-up/areas", name: "sign-up-areas" },
  { path: "/manage/sign-up/framework", name: "sign-up-framework" },
  { path: "/manage/sign-up/commitment", name: "sign-up-commitment" },
  { path: "/no-such-page", name: "not-found", status: 404 },
  { path: "/no-such-page?view=easy", name: "not-found-easy", status: 404 },
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

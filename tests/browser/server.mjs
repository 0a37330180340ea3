// Starts the real `mir` binary on a fresh SQLite file with demo data, on a free port.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function startServer() {
  const bin = process.env.MIR_BIN || join(root, "target/debug/mir");
  const dir = mkdtempSync(join(tmpdir(), "mir-browser-"));
  const database = `sqlite://${join(dir, "mir.db")}?mode=rwc`;
  const mailDir = join(dir, "mail");
  const child = spawn(bin, ["serve", "--demo", "--addr", "127.0.0.1:0", "--database", database, "--mail-dir", mailDir], {
    env: { ...process.env, MIR_LOG_FORMAT: "json", RUST_LOG: "info" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const base = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error("mir serve did not start in 20 s")), 20000);
    let buffer = "";
    child.stderr.on("data", (chunk) => {
      buffer += chunk.toString();
      const match = buffer.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`mir serve exited with ${code}: ${buffer}`)));
  });
  return {
    base,
    database,
    mailDir,
    /** Runs another `mir` command on the same database (for example `import postcodes FILE`). */
    mir(...args) {
      return execFileSync(bin, [...args, "--database", database], { env: { ...process.env, RUST_LOG: "warn" } }).toString();
    },
    /** Runs `mir admin create-user` on the same database and returns the sign-in link. */
    signInLink(email, nationalAdmin = true) {
      const args = ["admin", "create-user", "--email", email, "--database", database, "--base-url", base];
      if (nationalAdmin) args.push("--national-admin");
      const out = execFileSync(bin, args, { env: { ...process.env, RUST_LOG: "warn" } }).toString();
      const match = out.match(/(http:\/\/\S+\/sign-in\/link\/[0-9a-f]{64})/);
      if (!match) throw new Error(`no sign-in link in: ${out}`);
      return match[1];
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

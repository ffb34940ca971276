// Starts the real gateway binary (built by `dotnet build`/`dotnet test`) against the rig's chain.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ports } from "./ports.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const pgPort = process.env.MIRRORSTAGE_PG_PORT ?? "55432";
export const database = "mirrorstage_conformance";

export function psql(sql, name = database) {
  return execFileSync("psql", ["-h", "127.0.0.1", "-p", pgPort, "-U", "postgres", "-d", name, "-At", "-c", sql], { encoding: "utf8" }).trim();
}

// A new database per run: the suite checks what this run recorded. Gateways that must not see each other's payments
// (each reconciler works every claim in its store) get databases of their own.
export function createDatabase(name = database) {
  const exists = execFileSync("psql", ["-h", "127.0.0.1", "-p", pgPort, "-U", "postgres", "-d", "postgres", "-At", "-c",
    `select 1 from pg_database where datname = '${name}'`], { encoding: "utf8" }).trim();
  if (exists) execFileSync("psql", ["-h", "127.0.0.1", "-p", pgPort, "-U", "postgres", "-d", "postgres", "-c", `drop database ${name} with (force)`]);
  execFileSync("psql", ["-h", "127.0.0.1", "-p", pgPort, "-U", "postgres", "-d", "postgres", "-c", `create database ${name}`]);
}

/** The EVM suites' gateway ports (see ports.mjs). */
export const gatewayPorts = [ports.gatewayFacilitator, ports.gatewaySelf, ports.gatewayRecovery];

/** Stops or starts the suite's PostgreSQL (scripts/postgres.sh under MIRRORSTAGE_STATE), for store-outage tests. */
export function postgres(verb) {
  execFileSync("bash", [path.join(repo, "scripts", "postgres.sh"), verb], { stdio: "ignore" });
}

export async function startGateway({ port, network, settings = {}, store = database }) {
  const bin = process.env.MIRRORSTAGE_GATEWAY_BIN ?? path.join(repo, "functions", "Mirrorstage.Functions", "bin", "Debug", "net10.0", "Mirrorstage.Functions");
  const dir = mkdtempSync(path.join(os.tmpdir(), "ms-gateway-"));
  const env = {
    ...process.env,
    ASPNETCORE_URLS: `http://127.0.0.1:${port}`,
    Logging__LogLevel__Default: "Warning",
    ConnectionStrings__Marten: `Host=127.0.0.1;Port=${pgPort};Username=postgres;Database=${store}`,
    Mirrorstage__Gateway__TokenSecret: "JGFaW+4FFcUnoUDPrvW0pPqpZ3JMYd/rwZXcCcpQSmw=",
    Mirrorstage__Outputs__AllowPrivateHosts: "true",
    Mirrorstage__Pricing__PricePerMinuteUsd: "0.10",
    Mirrorstage__Blobs__Folder: path.join(dir, "blobs"),
    Mirrorstage__Payments__Journal__Folder: path.join(dir, "payment-journal"),
    Mirrorstage__Payments__Journal__ReplaySeconds: "1",
    Mirrorstage__Capacity__ScaleOutHeadroom: "1000", // no worker runs here: the fleet is all headroom
    Mirrorstage__RateLimits__Enabled: "false", // the suite pays from a few wallets on one address, fast
    ...settings,
  };
  for (const [key, value] of Object.entries(network)) env[`Mirrorstage__Payments__Networks__0__${key}`] = String(value);
  const child = spawn(bin, [], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stderr}`);
    try { if ((await fetch(url + "/health")).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => child.kill("SIGTERM") };
}

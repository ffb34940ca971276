// Starts the Release `mirrorstage up` (gateway + worker in one process) on loopback against the local
// PostgreSQL, in a database of its own made new for each start, and stops it again.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../../..');
export const fixtures = resolve(repo, '../shared/fixtures');
const pgPort = process.env.MIRRORSTAGE_PG_PORT ?? '55432';
let built = false;

function build() {
  if (built) return;
  execFileSync('dotnet', ['build', '-c', 'Release', '-v', 'quiet', '--nologo', 'cli/Mirrorstage.Cli'], { cwd: repo, stdio: 'inherit' });
  built = true;
}

function freshDatabase(name) {
  const psql = (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-p', pgPort, '-U', 'postgres', '-d', 'postgres', '-qX', '-c', sql], { stdio: 'pipe' });
  psql(`drop database if exists "${name}" with (force)`);
  psql(`create database "${name}"`);
}

/** @returns {Promise<{ url: string, dir: string, stop: () => Promise<void>, log: () => string }>} */
export async function startUp(settings = {}, database = 'mirrorstage_viewing') {
  build();
  freshDatabase(database);
  const port = Number(process.env.MIRRORSTAGE_UP_PORT ?? 56480);
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'ms-up-'));
  const env = {
    ...process.env,
    ASPNETCORE_URLS: url,
    ConnectionStrings__Marten: `Host=127.0.0.1;Port=${pgPort};Username=postgres;Database=${database}`,
    Logging__LogLevel__Default: 'Warning',
    ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k.replaceAll(':', '__'), v])),
  };
  const child = spawn(join(repo, 'cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage'), ['up'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((r) => child.on('exit', r));
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/health`)).ok) break; } catch { /* not yet */ }
    if (i > 300 || child.exitCode !== null) throw new Error(`mirrorstage up did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    log: () => output,
    stop: async () => { child.kill('SIGTERM'); await Promise.race([exited, new Promise((r) => setTimeout(r, 20000))]); if (child.exitCode === null) child.kill('SIGKILL'); },
  };
}

/** POST /v1/sessions at price 0 with the fixture face; returns the created session document. */
export async function createSession(base, fields = {}) {
  const form = new FormData();
  form.append('reference_image', new Blob([readFileSync(join(fixtures, 'faces/astronaut.png'))], { type: 'image/png' }), 'face.png');
  form.append('accept_tos', 'true');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const response = await fetch(`${base}/v1/sessions`, { method: 'POST', body: form });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`create: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

export async function waitForStatus(created, wanted, seconds = 30) {
  for (let i = 0; i < seconds * 5; i++) {
    const s = await (await fetch(created.status_url, { headers: { Authorization: `Bearer ${created.token}` } })).json();
    if (wanted.includes(s.status)) return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`session did not reach ${wanted}`);
}

export const shareOf = (viewUrl) => new URL(viewUrl).searchParams.get('share');

// Serves the built demos (default dist/demos) on 127.0.0.1, a secure context for navigator.gpu,
// and prints the URL. Builds them first when the folder is missing.
//   node scripts/serve-demos.mjs [--dir DIR] [--port N]   (port 0 picks a free one)
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { dir: { type: 'string', default: join(root, 'dist', 'demos') }, port: { type: 'string', default: '8080' } } });
const dir = resolve(values.dir);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve-demos: --port ${values.port} is not a port number`);
  process.exit(1);
}
if (!existsSync(join(dir, 'index.html'))) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-demos.mjs'), '--outdir', dir], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream',
};

/** What a request's target names: a file under `dir`, or the status and reason it is refused with. */
function lookUp(target) {
  const raw = target.split(/[?#]/, 1)[0];
  if (!raw.startsWith('/')) return { status: 400, reason: `the request target '${target}' is not a path` };
  let path;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { status: 400, reason: `the path '${raw}' has a malformed percent-encoding` };
  }
  if (path.includes('\0')) return { status: 400, reason: 'the path holds a NUL character' };
  const file = resolve(dir, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  if (!file.startsWith(dir + sep)) return { status: 403, reason: `'${path}' is outside the served folder` };
  if (!existsSync(file) || !statSync(file).isFile()) return { status: 404, reason: `not found: ${path}` };
  return { status: 200, file };
}

function refuse(res, status, reason) {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${reason}\n`);
}

// No request may end the server: every failure becomes an error status for that request alone.
const server = createServer((req, res) => {
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, `method ${req.method} is not served; use GET`);
    const { status, reason, file } = lookUp(req.url ?? '/');
    if (!file) return refuse(res, status, reason);
    // Always fresh: a rebuilt bundle must never meet a stale cached page.
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', (e) => refuse(res, 500, `cannot read ${file}: ${e.message}`)).pipe(res);
  } catch (e) {
    refuse(res, 500, `internal error: ${e.message}`);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`gradwgsl demos: http://127.0.0.1:${server.address().port}/`);
});

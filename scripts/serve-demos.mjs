// Serves the built demos (default dist/demos) on 127.0.0.1, a secure context for navigator.gpu,
// and prints the URL. Builds them first when the folder is missing.
//   node scripts/serve-demos.mjs [--dir DIR] [--port N]   (port 0 picks a free one)
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
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

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
    return;
  }
  // Always fresh: a rebuilt bundle must never meet a stale cached page.
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`gradwgsl demos: http://127.0.0.1:${server.address().port}/`);
});

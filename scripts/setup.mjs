// Makes a fresh machine ready to run gradwgsl: npm dependencies, then a WebGPU adapter
// (--npm-only: just the dependencies, e.g. to build the browser demos). Idempotent and quiet
// when nothing is needed. Uses only Node's standard library, because
// it runs before the dependencies exist.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`setup: '${cmd} ${args.join(' ')}' failed with exit code ${r.status}`);
    process.exit(r.status || 1);
  }
  return r;
}

function installNpmDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('setup: installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

function probeAdapter() {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'probe-adapter.mjs')], {
    cwd: root, env, encoding: 'utf8',
  });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  try {
    return JSON.parse(line);
  } catch {
    return { ok: false, reason: `adapter probe crashed (exit ${r.status}): ${(r.stderr || '').trim().slice(0, 400)}` };
  }
}

function osRelease() {
  if (!existsSync('/etc/os-release')) return {};
  const fields = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const m = line.match(/^(\w+)=("?)(.*)\2$/);
    if (m) fields[m[1]] = m[3];
  }
  return fields;
}

// The mirror URIs and signing key of the system's own Debian entry, so the backports suite
// comes from the same place the system already trusts.
function debianSourceEntry(codename) {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) {
    for (const stanza of readFileSync(deb822, 'utf8').split(/\n\s*\n/)) {
      const field = (name) => stanza.match(new RegExp(`^${name}:\\s*(.+)$`, 'mi'))?.[1].trim();
      const suites = (field('Suites') || '').split(/\s+/);
      if (suites.includes(codename)) {
        return { uris: field('URIs'), signedBy: field('Signed-By'), components: field('Components') || 'main' };
      }
    }
  }
  const list = '/etc/apt/sources.list';
  if (existsSync(list)) {
    for (const line of readFileSync(list, 'utf8').split('\n')) {
      const m = line.match(/^deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+)$/);
      if (m && m[3] === codename) {
        const signedBy = m[1]?.match(/signed-by=(\S+?)\]?$/)?.[1];
        return { uris: m[2], signedBy, components: m[4].trim() };
      }
    }
  }
  return null;
}

const NEEDS = 'Mesa 25 or newer (lavapipe, package mesa-vulkan-drivers) and the Vulkan loader (libvulkan1)';

function instructionsAndExit(reason, os) {
  console.error(`setup: no WebGPU adapter (${reason}).`);
  if (process.platform !== 'linux') {
    console.error('setup: install a GPU driver with Vulkan, Metal or D3D12 support; Dawn (npm "webgpu") needs one of them.');
  } else if (os.ID === 'debian' || (os.ID_LIKE || '').includes('debian')) {
    console.error(`setup: as root, add the ${os.VERSION_CODENAME}-backports suite and run:`);
    console.error(`  apt-get update && apt-get install -y -t ${os.VERSION_CODENAME}-backports mesa-vulkan-drivers libvulkan1`);
    console.error(`setup: a GPU driver with Vulkan support works too. Needed: ${NEEDS}.`);
  } else {
    console.error(`setup: install a Vulkan driver: a GPU's own, or ${NEEDS}.`);
  }
  process.exit(1);
}

function installLavapipe(os) {
  const codename = os.VERSION_CODENAME;
  const entry = debianSourceEntry(codename);
  if (!entry?.uris) instructionsAndExit(`no Debian source entry for ${codename} to copy mirror URIs from`, os);
  const target = `/etc/apt/sources.list.d/gradwgsl-${codename}-backports.sources`;
  const stanza = [
    'Types: deb',
    `URIs: ${entry.uris}`,
    `Suites: ${codename}-backports`,
    `Components: ${entry.components}`,
    ...(entry.signedBy ? [`Signed-By: ${entry.signedBy}`] : []),
  ].join('\n') + '\n';
  if (!existsSync(target) || readFileSync(target, 'utf8') !== stanza) writeFileSync(target, stanza);
  console.log(`setup: installing Mesa's software Vulkan driver from ${codename}-backports (one time)`);
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { ...quiet, env: aptEnv });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-t', `${codename}-backports`,
    'mesa-vulkan-drivers', 'libvulkan1'], { ...quiet, env: aptEnv });
}

installNpmDependencies();
if (process.argv.includes('--npm-only')) process.exit(0);
let adapter = probeAdapter();
if (!adapter.ok) {
  const os = osRelease();
  const debian = os.ID === 'debian' || (os.ID_LIKE || '').includes('debian');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform !== 'linux' || !debian || !isRoot || !os.VERSION_CODENAME) {
    instructionsAndExit(adapter.reason, os);
  }
  installLavapipe(os);
  adapter = probeAdapter();
  if (!adapter.ok) instructionsAndExit(`still none after installing lavapipe: ${adapter.reason}`, os);
  console.log(`setup: WebGPU adapter ready: ${adapter.description || adapter.architecture}`);
}

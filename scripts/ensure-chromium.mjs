// Makes sure headless Chromium for the browser tests is at /usr/bin/chromium: silent when it
// is; on Debian as root installs the distribution's `chromium` package (about 480 MB, once);
// otherwise says what to install and exits 1. Uses only Node's standard library.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const os = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const debian = /^(ID=debian|ID_LIKE=.*debian)/m.test(os);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!debian || !root) {
    console.error(`ensure-chromium: ${CHROMIUM} is missing. Install Chromium there (Debian/Ubuntu: apt-get install chromium) to run the browser tests.`);
    process.exit(1);
  }
  console.log('ensure-chromium: installing Debian\'s chromium for the browser tests (one time)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error(`ensure-chromium: 'apt-get ${args.join(' ')}' failed with exit code ${r.status}`);
      process.exit(r.status || 1);
    }
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`ensure-chromium: the chromium package installed, but ${CHROMIUM} is still missing`);
    process.exit(1);
  }
}

// The provenance the CLI writes into every record: the source's commit, the command as typed
// (quoted so it can be pasted back into a shell) and the time.
import { sourceVersion } from 'gradwgsl/node';
import type { RunSource } from 'gradwgsl/experiments';

/** `arg` as a POSIX shell word. */
function shellWord(arg: string): string {
  return /^[\w./=:@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function runSource(): RunSource {
  return { commit: sourceVersion(), command: ['gradwgsl', ...process.argv.slice(2)].map(shellWord).join(' '), date: new Date().toISOString() };
}

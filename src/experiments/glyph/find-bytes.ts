// Byte-sequence search in plain Uint8Arrays (what Node's Buffer.indexOf does, in any runtime):
// the key-hygiene check looks for secret-key windows in the tens of MiB the server receives.

/** Whether `needle` occurs in `haystack` as consecutive bytes. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  const first = needle[0]!;
  const lastStart = haystack.length - needle.length;
  // The built-in indexOf skips to each candidate first byte; only those are compared in full.
  for (let i = haystack.indexOf(first); i >= 0 && i <= lastStart; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

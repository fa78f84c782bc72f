import { it } from 'vitest';
import { Plaintext } from '../../src/fhe/bgv/ciphertext.js';
import { BgvContext, CIPHERTEXT_BASE } from '../../src/fhe/bgv/context.js';
import { encryptPublic } from '../../src/fhe/bgv/encrypt.js';
import { generatePublicKey, generateSecretKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_PARAMETERS, GLYPH_PRIMES } from '../../src/fhe/bgv/params.js';
import { intt } from '../../src/fhe/rns/ntt.js';
import { gpu } from '../setup.js';
it('leak check', async () => {
  await gpu();
  const ctx = new BgvContext({ n: 4096, specialPrime: GLYPH_PRIMES[0], ciphertextPrimes: GLYPH_PRIMES.slice(1, 3), plainModulus: GLYPH_PARAMETERS.plainModulus, security: 128 });
  const sk = generateSecretKey(ctx); const pk = generatePublicKey(ctx, sk);
  const vals = Array.from({ length: 4096 }, (_, i) => (i * 7) % 16);
  const rows = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? [] : vals));
  const ct = encryptPublic(ctx, pk, Plaintext.encode(ctx, rows));
  const w = (await intt(ctx.ring, ct.data, CIPHERTEXT_BASE).data()) as Uint32Array;
  const n = 4096, L = 2;
  for (let part = 0; part < 2; part++) for (let limb = 0; limb < L; limb++) {
    const q = ctx.primesAt(2)[limb]!;
    const stats = [0, 1].map((g) => { const ms: number[] = []; for (let b = g; b < 400; b += 2) { let s = 0; const at = ((b * 2 + part) * L + limb) * n; for (let j = 0; j < n; j++) s += w[at + j]! / q; ms.push(s / n); } const m = ms.reduce((a, c) => a + c, 0) / ms.length; const v = ms.reduce((a, c) => a + (c - m) ** 2, 0) / ms.length; return { m, v }; });
    const tstat = (stats[0]!.m - stats[1]!.m) / Math.sqrt((stats[0]!.v + stats[1]!.v) / 200);
    // coefficient 0 group means
    console.log('part', part, 'limb', limb, 'means', stats[0]!.m.toFixed(5), stats[1]!.m.toFixed(5), 't', tstat.toFixed(2), 'sd', Math.sqrt(stats[0]!.v).toFixed(5), 'expected sd', (Math.sqrt(1 / 12 / n)).toFixed(5));
  }
}, 600000);

// The methods compared in the reproduction (spec §11) and how each is built.
import { fail } from '../../device/errors.js';
import { Adam } from '../../optim/adam.js';
import { AuthorsFirstOrder } from '../../optim/authors-first-order.js';
import { KBFGS } from '../../optim/kbfgs.js';
import { KFAC } from '../../optim/kfac.js';
import { FirstOrderMethod } from '../../optim/second-order/first-order.js';
import type { TrainingMethod } from '../../optim/second-order/method.js';
import type { Autoencoder } from './autoencoder.js';

export type MethodKind = 'kbfgs' | 'kbfgs-p' | 'kbfgs-l' | 'kbfgs-nodd' | 'kfac' | 'adam' | 'sgdm' | 'adam-authors' | 'rmsprop-authors';

/** One method at one setting. `damping` only for the Kronecker methods; the rest only for K-BFGS(L). */
export interface MethodSetting {
  kind: MethodKind;
  lr: number;
  damping?: number;
  /** K-BFGS(L)'s memory p (required for it). */
  memory?: number;
  /** K-BFGS(L)'s H^a variant (default 'C', as K-BFGS; 'kbfgs-p' is K-BFGS with 'P'). */
  variant?: 'P' | 'C';
  /** Variant P's inversion period T (default 20). */
  inverseEvery?: number;
}

export const METHOD_NAMES: Readonly<Record<MethodKind, string>> = {
  kbfgs: 'K-BFGS',
  'kbfgs-p': 'K-BFGS (variant P)',
  'kbfgs-l': 'K-BFGS(L)',
  'kbfgs-nodd': 'K-BFGS without DD',
  kfac: 'K-FAC',
  adam: 'Adam',
  sgdm: 'SGD-m',
  'adam-authors': "Adam (authors')",
  'rmsprop-authors': "RMSprop (authors')",
};

export function settingLabel(s: MethodSetting): string {
  const extras = [s.memory !== undefined ? `p=${s.memory}` : '', s.variant ? `variant ${s.variant}` : '', s.inverseEvery !== undefined ? `T=${s.inverseEvery}` : ''].filter(Boolean);
  const base = s.damping === undefined ? `${METHOD_NAMES[s.kind]} lr=${s.lr}` : `${METHOD_NAMES[s.kind]} α=${s.lr} λ=${s.damping}`;
  return extras.length ? `${base} ${extras.join(' ')}` : base;
}

/** Builds the method on the model's parameters (which it then updates in place). */
export async function createMethod(s: MethodSetting, model: Autoencoder): Promise<TrainingMethod> {
  const name = settingLabel(s);
  const damping = s.damping ?? 1;
  const period = s.inverseEvery === undefined ? {} : { inverseEvery: s.inverseEvery };
  switch (s.kind) {
    case 'kbfgs':
      return KBFGS.create(model, { lr: s.lr, damping });
    case 'kbfgs-p':
      return KBFGS.create(model, { lr: s.lr, damping, variant: 'P', ...period });
    case 'kbfgs-l':
      if (s.memory === undefined) fail(`kbfgs: ${name} needs its memory p (give "memory")`);
      return KBFGS.create(model, { lr: s.lr, damping, memory: s.memory, variant: s.variant ?? 'C', ...period });
    case 'kbfgs-nodd':
      return KBFGS.create(model, { lr: s.lr, damping, doubleDamping: false });
    case 'kfac':
      return KFAC.create(model, { lr: s.lr, damping });
    case 'adam':
      // The textbook Adam (the spec's sanity baseline), on the raw gradient.
      return FirstOrderMethod.create(name, model, new Adam(model.parameters, { lr: s.lr }));
    case 'sgdm':
      // The authors' SGD-momentum: θ ← θ − lr·D, D the EMA of ∇ + τθ.
      return FirstOrderMethod.create(name, model, new AuthorsFirstOrder('sgd', model.parameters, { lr: s.lr }));
    case 'adam-authors':
      return FirstOrderMethod.create(name, model, new AuthorsFirstOrder('adam', model.parameters, { lr: s.lr }));
    case 'rmsprop-authors':
      return FirstOrderMethod.create(name, model, new AuthorsFirstOrder('rmsprop', model.parameters, { lr: s.lr }), true);
  }
}

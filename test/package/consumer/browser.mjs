// The page's script, bundled by esbuild for the browser: the result lands in window.__result.
import { trainSteps } from './steps.mjs';

trainSteps(3).then(
  (losses) => (window.__result = { losses }),
  (e) => (window.__result = { error: String(e?.stack ?? e) }),
);

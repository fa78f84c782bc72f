// The error every FHE deserializer throws for bytes it will not accept: a GradwgslError whose
// message names the field, the value found and what was expected.
import { GradwgslError } from '../../device/errors.js';

export class BlobFormatError extends GradwgslError {
  override name = 'BlobFormatError';
}

/** Throws a BlobFormatError: `deserialize: <field> is <found>; expected <expected>` and what to do. */
export function badBlob(field: string, found: string, expected: string): never {
  throw new BlobFormatError(
    `deserialize: ${field} is ${found}; expected ${expected}. ` +
      'The blob is damaged or was not written by this version of gradwgsl: serialize it again and resend it',
  );
}

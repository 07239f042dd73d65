import Ajv, { type Format } from 'ajv';
import addFormats from 'ajv-formats';

export interface AjvOptions {
  coerceTypes: boolean;
  /** Formats of another document's dialect (Vault's `map`, Go durations): added, or replacing ajv-formats' own. */
  formats?: Record<string, Format>;
}

/** An ajv for the spec's OpenAPI 3.0 dialect (see shared/specs/README.md, "Notes for ajv"). */
export function createAjv(options: AjvOptions): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false, // OpenAPI schemas often put `required` or `properties` beside `allOf` without `type`
    strictRequired: false,
    unicodeRegExp: false, // the tag pattern ^[a-zA-Z0-9_\-\:]+$ is invalid under the u flag
    coerceTypes: options.coerceTypes, // parameters arrive as strings; bodies must not be coerced
    useDefaults: false,
    validateFormats: true,
  });
  addFormats(ajv);
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'discriminator' }); // annotation only: ajv's discriminator option stays off
  for (const [name, format] of Object.entries(options.formats ?? {})) ajv.addFormat(name, format);
  return ajv;
}

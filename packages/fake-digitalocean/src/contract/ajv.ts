import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** An ajv for the spec's OpenAPI 3.0 dialect (see shared/specs/README.md, "Notes for ajv"). */
export function createAjv(options: { coerceTypes: boolean }): Ajv {
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
  return ajv;
}

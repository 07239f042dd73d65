import { pipelineSchema } from './schema';

type Schema = Record<string, any>;

/** Every subschema of the schema, with its JSON pointer. */
function walk(schema: Schema, pointer = '#'): [string, Schema][] {
  const found: [string, Schema][] = [[pointer, schema]];
  const children = (key: string, value: unknown) => {
    if (Array.isArray(value)) value.forEach((item, i) => typeof item === 'object' && found.push(...walk(item, `${pointer}/${key}/${i}`)));
    else if (value && typeof value === 'object') found.push(...walk(value as Schema, `${pointer}/${key}`));
  };
  for (const key of ['items', 'additionalProperties', 'propertyNames']) if (typeof schema[key] === 'object') children(key, schema[key]);
  for (const key of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(schema[key])) children(key, schema[key]);
  for (const key of ['properties', '$defs']) {
    for (const [name, sub] of Object.entries((schema[key] ?? {}) as Schema)) found.push(...walk(sub, `${pointer}/${key}/${name}`));
  }
  return found;
}

describe('pipeline.schema.json', () => {
  const schema = pipelineSchema();
  const all = walk(schema);

  it('is JSON Schema draft 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property', () => {
    const properties = all.flatMap(([pointer, sub]) => Object.entries((sub.properties ?? {}) as Schema).map(([name, value]) => [`${pointer}/properties/${name}`, value] as const));
    expect(properties.length).toBeGreaterThan(50);
    const undescribed = properties.filter(([, value]) => typeof value.description !== 'string' || value.description.length === 0).map(([pointer]) => pointer);
    expect(undescribed).toEqual([]);
  });

  it('refuses unknown keys in every object of ours, but not in builder configs or builder_overrides values', () => {
    const open = all
      .filter(([, sub]) => sub.properties && sub.additionalProperties !== false)
      .map(([pointer]) => pointer);
    expect(open).toEqual(['#/$defs/builder']);
    expect(schema.$defs.stage.properties.builder_overrides.additionalProperties).toEqual(expect.objectContaining({ type: 'object' }));
    expect(schema.$defs.stage.properties.builder_overrides.additionalProperties.additionalProperties).toBeUndefined();
  });

  it('selects the provisioner schema by its type', () => {
    expect(schema.$defs.provisioner.discriminator).toEqual({ propertyName: 'type' });
    expect(schema.$defs.provisioner.oneOf.map((branch: Schema) => branch.$ref)).toEqual([
      '#/$defs/shellProvisioner',
      '#/$defs/fileProvisioner',
      '#/$defs/ansibleProvisioner',
    ]);
  });
});

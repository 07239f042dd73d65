import { provisionerTypes } from '../provisioners';
import { builderTypes } from '../builders/registry';
import { BUILDER_COMMUNICATORS, BUILDER_FIELDS, BUILDER_TYPES, COMMUNICATORS, PROVISIONER_TYPES, type ProvisionerType } from './known-types';
import { pipelineSchema } from './schema';
import type { ProvisionerConfig } from './types';

// The provisioner configs of the pipeline model and the table name the same types (checked when this compiles).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const configTypesAgree: Same<ProvisionerConfig['type'], ProvisionerType> = true;

/** What validate checks names against is what bakes can run: one table, and these agree with it. */
describe('the table of known types', () => {
  it('names the builders the registry builds', () => {
    expect(builderTypes()).toEqual([...BUILDER_TYPES]);
    expect(Object.keys(BUILDER_COMMUNICATORS)).toEqual([...BUILDER_TYPES]);
  });

  it('names the provisioners that run, and those the schema accepts', () => {
    expect(configTypesAgree).toBe(true);
    expect(provisionerTypes()).toEqual([...PROVISIONER_TYPES]);
    const schema = pipelineSchema();
    const branches = schema.$defs.provisioner.oneOf as { $ref: string }[];
    const consts = branches.map((branch) => schema.$defs[branch.$ref.replace('#/$defs/', '')].properties.type.const);
    expect(consts).toEqual([...PROVISIONER_TYPES]);
  });

  it.each(['docker', 'amazon-ebs'] as const)("completes in editors what the %s builder takes: the schema's fields are the table's", (type) => {
    const branch = pipelineSchema().$defs.builder.allOf.find((entry: { if?: { properties?: { type?: { const?: string } } } }) => entry.if?.properties?.type?.const === type);
    expect(Object.keys(branch.then.properties).sort()).toEqual(BUILDER_FIELDS[type].filter((field) => field !== 'type').sort());
  });

  it('gives each builder type one communicator, its own', () => {
    expect(BUILDER_COMMUNICATORS).toEqual({ docker: ['docker'], digitalocean: ['ssh'], 'amazon-ebs': ['ssh'] });
    expect(COMMUNICATORS).toEqual(['docker', 'ssh']);
  });
});

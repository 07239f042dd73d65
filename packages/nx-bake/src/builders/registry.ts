import { BUILDER_TYPES, isBuilderType, type BuilderType } from '../pipeline/known-types';
import type { Builder } from './builder';

// Each builder is loaded when a stage uses it: every stage's bake is an Nx task process of its own, and
// loading all (dockerode; the DigitalOcean client with ssh2; the AWS SDK) cost each of them ~100 ms it rarely needs.
// Keyed by the pipeline model's table of builder types: a type without a builder does not compile.
const factories: { [Type in BuilderType]: () => Builder } = {
  docker: () => new (require('./docker') as typeof import('./docker')).DockerBuilder(),
  digitalocean: () => new (require('./digitalocean') as typeof import('./digitalocean')).DigitalOceanBuilder(),
  'amazon-ebs': () => new (require('./amazon-ebs') as typeof import('./amazon-ebs')).AmazonEbsBuilder(),
};

export function builderTypes(): string[] {
  return [...BUILDER_TYPES];
}

export function builderFor(type: string): Builder {
  if (!isBuilderType(type)) throw new Error(`unknown builder type '${type}' (known: ${builderTypes().join(', ')})`);
  return factories[type]();
}

import type { Builder } from './builder';

// Each builder is loaded when a stage uses it: every stage's bake is an Nx task process of its own, and
// loading both (dockerode; the DigitalOcean client with ssh2) cost each of them ~100 ms it rarely needs.
const factories: Record<string, () => Builder> = {
  docker: () => new (require('./docker') as typeof import('./docker')).DockerBuilder(),
  digitalocean: () => new (require('./digitalocean') as typeof import('./digitalocean')).DigitalOceanBuilder(),
};

export function builderTypes(): string[] {
  return Object.keys(factories);
}

export function builderFor(type: string): Builder {
  const factory = factories[type];
  if (!factory) throw new Error(`unknown builder type '${type}' (known: ${builderTypes().join(', ')})`);
  return factory();
}

import type { Builder } from './builder';
import { DigitalOceanBuilder } from './digitalocean';
import { DockerBuilder } from './docker';

const factories: Record<string, () => Builder> = {
  docker: () => new DockerBuilder(),
  digitalocean: () => new DigitalOceanBuilder(),
};

export function builderTypes(): string[] {
  return Object.keys(factories);
}

export function builderFor(type: string): Builder {
  const factory = factories[type];
  if (!factory) throw new Error(`unknown builder type '${type}' (known: ${builderTypes().join(', ')})`);
  return factory();
}

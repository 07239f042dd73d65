/** A Docker repository that names a registry host (`127.0.0.1:5000/team/app`), split as the registry API wants it. */
export interface RegistryRepository {
  /** `host[:port]`, as Docker's config and `docker login` name it. */
  host: string;
  /** The repository inside the registry (`team/app`). */
  name: string;
  /** `host/name`, the repository as written. */
  repository: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/;

/**
 * The registry a repository names, by Docker's rule: a first component with a `.` or a `:`, or `localhost`.
 * Undefined for a repository of the engine only (`nx-bake/example`).
 */
export function registryOf(repository: string | undefined): RegistryRepository | undefined {
  if (!repository) return undefined;
  const slash = repository.indexOf('/');
  if (slash < 0) return undefined;
  const host = repository.slice(0, slash);
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') return undefined;
  return { host, name: repository.slice(slash + 1), repository };
}

/** `repo@sha256:…` split into the repository and the digest. */
export function parseDigestReference(reference: string): (RegistryRepository & { digest: string }) | undefined {
  const at = reference.lastIndexOf('@');
  if (at < 0) return undefined;
  const registry = registryOf(reference.slice(0, at));
  const digest = reference.slice(at + 1);
  return registry && /^sha256:[0-9a-f]{64}$/.test(digest) ? { ...registry, digest } : undefined;
}

/** `repo:tag` split into the repository and the tag (a port's colon comes before the last slash). */
export function parseTagReference(reference: string): (RegistryRepository & { tag: string }) | undefined {
  const colon = reference.lastIndexOf(':');
  if (colon < reference.lastIndexOf('/')) return undefined;
  const registry = registryOf(reference.slice(0, colon));
  return registry ? { ...registry, tag: reference.slice(colon + 1) } : undefined;
}

/** Loopback registries speak plain HTTP (Docker allows them insecure by default); every other one HTTPS. */
export function registryBaseUrl(host: string): string {
  return `${LOOPBACK.test(host) ? 'http' : 'https'}://${host}`;
}

/**
 * The immutable tag of a stage build in the registry: the stage and its fingerprint. Adoption on another
 * runner looks it up (the registry API has no label search); it is never moved once pushed.
 */
export function fingerprintTag(stage: string, fingerprint: string): string {
  return `${stage.slice(0, 90)}-${fingerprint}`.slice(0, 128);
}

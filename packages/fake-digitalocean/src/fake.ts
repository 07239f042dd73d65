import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { handleAdmin } from './admin/routes';
import { FakeState, stateOf } from './admin/state';
import { Cloud } from './cloud/cloud';
import { launchSshd } from './cloud/droplet-boot';
import { Contract } from './contract/contract';
import { DropletRuntime } from './docker/runtime';
import { Faults } from './faults';
import { createApiHandler, ResponseTamperer } from './http/api';
import { serveFake } from './http/serve-fake';
import { isLoopback } from './net/probe';
import { preflight } from './preflight';
import type { RunningFake } from './running-fake';
import { Violation, ViolationLog } from './violations';

/** The local base image (scripts/make-base-image.sh); NX_BAKE_BASE_IMAGE names another, as for that script. */
export const DEFAULT_IMAGES: Record<string, string> = { 'debian-12-x64': process.env.NX_BAKE_BASE_IMAGE || 'nx-bake/debian:bookworm' };

export interface FakeDigitalOceanOptions {
  /** API tokens accepted as `Authorization: Bearer <token>`. */
  tokens: string[];
  /** Default 0: a free port. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** Distribution image slug → local Docker image. Default `{ 'debian-12-x64': 'nx-bake/debian:bookworm' }`. */
  images?: Record<string, string>;
  docker?: Docker;
  /** A request that breaks the contract is answered 400 (parameters) or 422 (body), as DigitalOcean would. */
  strict?: boolean;
  /** The port sshd listens on in every droplet. Default 22 (DigitalOcean's API has no port field). */
  sshPort?: number;
  /** Droplets get 127.77.<addressBlock>.2-254; default a random block no other running fake holds. */
  addressBlock?: number;
  /** How long a droplet stays `new` after its container started; default 1000. */
  activeDelayMs?: number;
  /** How long every action stays `in-progress` at least; default 300. */
  actionDelayMs?: number;
  /** Default: NX_BAKE_DO_SPEC, else shared/specs/ found above this package. */
  specPath?: string;
  /** Called for each violation as it is recorded (the CLI prints them). */
  onViolation?: (violation: Violation) => void;
}

/** `url` is the API base URL (paths start with /v2/); `reset()` leaves no droplets, keys, snapshots, actions or tags. */
export interface FakeDigitalOcean extends RunningFake<FakeState> {
  faults: Faults;
  /**
   * Kills every sshd in the droplet (open connections drop mid-command), and starts it again after
   * `restartAfterMs` when given: SSH dropped mid-provision, or an sshd restart a provisioner expects.
   */
  dropSsh(dropletId: number, options?: { restartAfterMs?: number }): Promise<void>;
  testing: {
    /** Test-only: the next API response body goes through `tamper` before it is validated and sent. */
    tamperNextResponse(tamper: ResponseTamperer): void;
  };
  contract: Contract;
}

export async function startFakeDigitalOcean(options: FakeDigitalOceanOptions): Promise<FakeDigitalOcean> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`host ${host}: the fake listens on loopback addresses only`);
  if (!options.tokens?.length) throw new Error('tokens: give at least one API token');
  const sshPort = options.sshPort ?? 22;
  const contract = Contract.load(options.specPath);
  contract.compileAll();
  const { claim, addresses, docker } = await preflight({ addressBlock: options.addressBlock, sshPort, docker: options.docker });

  const instanceId = randomUUID().replace(/-/g, '');
  const faults = new Faults();
  const cloud = new Cloud(
    { activeDelayMs: options.activeDelayMs ?? 1000, actionDelayMs: options.actionDelayMs ?? 300, sshPort },
    new DropletRuntime(docker, instanceId),
    faults,
    addresses,
    options.images ?? DEFAULT_IMAGES,
  );
  const violations = new ViolationLog(options.onViolation);
  let tamperers: ResponseTamperer[] = [];
  let baseUrl = '';
  const reset = async (): Promise<void> => {
    await cloud.reset();
    violations.clear();
    tamperers = [];
  };
  const api = createApiHandler({
    contract,
    cloud,
    tokens: options.tokens,
    strict: options.strict ?? false,
    violations,
    baseUrl: () => baseUrl,
    takeTamperer: () => tamperers.shift(),
  });
  const dropSsh = async (dropletId: number, dropOptions: { restartAfterMs?: number } = {}): Promise<void> => {
    const droplet = cloud.store.droplets.get(dropletId);
    if (!droplet?.containerId) throw new Error(`droplet ${dropletId} does not exist or has no container`);
    await cloud.runtime.killSshd(droplet.containerId);
    if (dropOptions.restartAfterMs !== undefined) launchSshd(cloud, droplet, dropOptions.restartAfterMs);
  };
  const admin = {
    dropSsh,
    faults,
    state: () => stateOf(cloud),
    violations: () => violations.all(),
    clearViolations: () => violations.clear(),
    reset,
  };
  const http = await serveFake(host, options.port ?? 0, { admin: (req, res, pathname) => handleAdmin(admin, req, res, pathname), api }, claim, () => cloud.shutdown());
  baseUrl = `http://${host}:${http.port}`;

  return {
    url: baseUrl,
    port: http.port,
    sshPort,
    instanceId,
    stop: http.stop,
    reset,
    state: () => stateOf(cloud),
    violations: () => violations.all(),
    clearViolations: () => violations.clear(),
    faults,
    dropSsh,
    testing: { tamperNextResponse: (tamper) => void tamperers.push(tamper) },
    contract,
  };
}

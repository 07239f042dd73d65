import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { DropletRuntime, isLoopback, listen, preflight, Violation, ViolationLog } from '../../fake-digitalocean/src';
import { handleAdmin } from './admin/routes';
import { FakeEc2State, stateOf } from './admin/state';
import { DEFAULT_REGIONS } from './cloud/catalog';
import { Cloud } from './cloud/cloud';
import { EC2_IDENTITY } from './docker/identity';
import { Faults } from './faults';
import { createApiHandler } from './http/api';
import { Credentials } from './http/sigv4';
import { loadModel, resolveModelPath } from './model/load';

/** The local base image (scripts/make-base-image.sh) behind the Debian 12 AMI; NX_BAKE_BASE_IMAGE names another. */
export const DEFAULT_BASE_IMAGE = process.env.NX_BAKE_BASE_IMAGE || 'nx-bake/debian:bookworm';
export const DEFAULT_CREDENTIALS: Credentials = { accessKeyId: 'AKIAFAKEEC2TESTKEY01', secretAccessKey: 'fake-ec2-secret-access-key' };

export interface FakeEc2Options {
  /** Access keys whose SigV4 signatures are accepted. Default: DEFAULT_CREDENTIALS. */
  credentials?: Credentials[];
  /** Default 0: a free port. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** Default us-east-1, us-west-2, eu-west-1, eu-central-1: each with its own VPC, Debian AMI and resources. */
  regions?: string[];
  /** Docker image behind each region's Debian 12 AMI. */
  baseImage?: string;
  docker?: Docker;
  /** Instances get 127.77.<addressBlock>.2-254; default a random block no other running fake holds. */
  addressBlock?: number;
  /** The port sshd listens on in every instance; default 22. */
  sshPort?: number;
  /** How long status checks stay `initializing` once an instance runs; default 500. */
  statusDelayMs?: number;
  /** How long a new AMI stays `pending` at least; default 500. */
  imageDelayMs?: number;
  /** botocore's EC2 service-2.json; default FAKE_EC2_MODEL, else python3-botocore's newest. */
  modelPath?: string;
  onViolation?: (violation: Violation) => void;
}

export interface FakeEc2 {
  /** `http://127.0.0.1:<port>`: the endpoint (aws --endpoint-url, AWS_ENDPOINT_URL_EC2, Packer's custom_endpoint_ec2). */
  url: string;
  port: number;
  sshPort: number;
  credentials: Credentials[];
  /** The value of the `fake-ec2.fake` label on everything this fake made. */
  instanceId: string;
  stop(): Promise<void>;
  /** Back to the start: only the Debian AMIs, no instances, keys, groups, faults or violations. */
  reset(): Promise<void>;
  state(): FakeEc2State;
  violations(): Violation[];
  clearViolations(): void;
  faults: Faults;
  modelPath: string;
}

export async function startFakeEc2(options: FakeEc2Options = {}): Promise<FakeEc2> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`host ${host}: the fake listens on loopback addresses only`);
  const credentials = options.credentials?.length ? options.credentials : [DEFAULT_CREDENTIALS];
  const sshPort = options.sshPort ?? 22;
  const modelPath = resolveModelPath(options.modelPath);
  const model = loadModel(modelPath);
  const { claim, addresses, docker } = await preflight({ addressBlock: options.addressBlock, sshPort, docker: options.docker });
  const instanceId = randomUUID().replace(/-/g, '');
  const faults = new Faults();
  const cloud = new Cloud(
    {
      regions: options.regions ?? DEFAULT_REGIONS,
      baseImage: options.baseImage ?? DEFAULT_BASE_IMAGE,
      sshPort,
      statusDelayMs: options.statusDelayMs ?? 500,
      imageDelayMs: options.imageDelayMs ?? 500,
    },
    new DropletRuntime(docker, instanceId, EC2_IDENTITY),
    addresses,
    faults,
  );
  const violations = new ViolationLog(options.onViolation);
  const reset = async (): Promise<void> => {
    await cloud.reset();
    violations.clear();
  };
  const admin = { faults, state: () => stateOf(cloud), violations: () => violations.all(), clearViolations: () => violations.clear(), reset };
  const api = createApiHandler({ model, cloud, credentials, violations });
  const http = await listen(host, options.port ?? 0, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://fake').pathname;
    return pathname.startsWith('/_fake/') ? handleAdmin(admin, req, res, pathname) : api(req, res);
  }).catch((error: Error) => {
    claim.release();
    throw error;
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await http.close();
      try {
        await cloud.shutdown();
      } finally {
        claim.release();
      }
    })());

  return { url: `http://${host}:${http.port}`, port: http.port, sshPort, credentials, instanceId, stop, ...admin, modelPath };
}

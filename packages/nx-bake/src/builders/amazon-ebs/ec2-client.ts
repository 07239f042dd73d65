import { EC2Client } from '@aws-sdk/client-ec2';
import type { AmazonEbsBuilderConfig } from './config';

/**
 * One EC2 client per region, on the SDK's credential chain and its standard retry strategy (throttling such
 * as RequestLimitExceeded and 5xx answers are retried with backoff). `endpoint` wins over AWS_ENDPOINT_URL_EC2,
 * which the SDK reads itself.
 */
export class Ec2Clients {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly config: Pick<AmazonEbsBuilderConfig, 'region' | 'endpoint' | 'profile'>) {}

  /** The build region's client. */
  get home(): EC2Client {
    return this.in(this.config.region);
  }

  in(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = new EC2Client({ region, endpoint: this.config.endpoint, profile: this.config.profile, maxAttempts: 5 });
      this.clients.set(region, client);
    }
    return client;
  }
}

const NOT_FOUND = /\.NotFound$|^InvalidAMIID\.Unavailable$/;

/** For deletes of what may be gone already (a cleanup after a sweep, or a second Ctrl-C). */
export function ignoreNotFound(error: unknown): undefined {
  if (NOT_FOUND.test((error as { name?: string }).name ?? '')) return undefined;
  throw error;
}

/** An SDK error as one line naming the call: EC2's own code and message say what went wrong. */
export function ec2Error(call: string, error: unknown): Error {
  const { name, message } = error as Error;
  return new Error(`EC2 ${call} failed: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`, { cause: error });
}

/** An SDK call whose failure becomes `ec2Error`'s one line naming it. */
export function ec2Call<Output>(call: string, sent: Promise<Output>): Promise<Output> {
  return sent.catch((error) => {
    throw ec2Error(call, error);
  });
}

import { execFile } from 'node:child_process';
import type { FakeEc2 } from '../../src';

/** Debian's awscli (not a pyenv shim on PATH): the official client the fake must serve unchanged. */
export const DEBIAN_AWS = '/usr/bin/aws';

export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's JSON output
}

/** Runs `aws ec2 <args>` against the fake in `region` with its test credentials; JSON output; no retries unless `attempts`. */
export function awsEc2(fake: FakeEc2, args: string[], options: { region?: string; attempts?: number } = {}): Promise<AwsResult> {
  const [credentials] = fake.credentials;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_MAX_ATTEMPTS: String(options.attempts ?? 1),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  const argv = ['--endpoint-url', fake.url, '--region', options.region ?? 'us-east-1', '--output', 'json', 'ec2', ...args];
  return new Promise((resolve) => {
    execFile(DEBIAN_AWS, argv, { env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** `aws ec2 …` that must succeed: its JSON output (or undefined for none). */
export async function awsOk(fake: FakeEc2, args: string[], options: { region?: string } = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const result = await awsEc2(fake, args, options);
  if (result.code !== 0) throw new Error(`aws ec2 ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim() ? result.json() : undefined;
}

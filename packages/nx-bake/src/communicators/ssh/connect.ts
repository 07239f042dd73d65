import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { Client, utils, type AuthMethod, type ConnectConfig } from 'ssh2';
import { describeEndpoint, type SshEndpoint, type SshSettings } from './config';
import { fingerprintOf, HostKeyCheck } from './host-key';

/** An open, authenticated SSH connection to the instance (through the bastion, if there is one). */
export interface SshConnection {
  client: Client;
  /** The jump host's connection the instance's is tunnelled through. */
  bastion?: Client;
  /** `SHA256:...` of the host key the instance presented. */
  hostKeyFingerprint: string;
  /** Settles (never rejects) once the connection is gone, whichever side ended it. */
  closed: Promise<void>;
  isOpen(): boolean;
  /** Ends the connection (and the bastion's). */
  end(): void;
}

export interface ConnectSshOptions {
  /**
   * Host key checks to use; a communicator keeps the same ones across reconnects so `accept-new` holds the
   * instance to the key it presented first. Fresh ones are made when omitted.
   */
  hostKeys?: { target: HostKeyCheck; bastion?: HostKeyCheck };
  /** Progress messages (waiting, retrying). */
  log?: (message: string) => void;
  /** Skip `pause_before_connecting` (a reconnect after a reboot, say). */
  skipPause?: boolean;
}

export type SshConnectFailure = 'timeout' | 'host-key' | 'handshake' | 'config';

/** Connecting failed for good; `reason` says why. (An abort rejects with an `AbortError` instead.) */
export class SshConnectError extends Error {
  override readonly name = 'SshConnectError';
  constructor(
    message: string,
    readonly reason: SshConnectFailure,
  ) {
    super(message);
  }
}

/** The first and the longest wait between attempts. */
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 2_000;
/** Upper bound of one attempt's handshake (the whole wait is bounded by ssh_timeout anyway). */
const ATTEMPT_TIMEOUT_MS = 20_000;
/** Unanswered keep-alives before the connection counts as dropped. */
const KEEP_ALIVE_COUNT_MAX = 3;

type Phase = 'tcp' | 'handshake' | 'auth';

/** Why one attempt failed. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly phase: Phase,
    readonly hostKeyRefused = false,
  ) {
    super(message);
  }
}

/**
 * Connects to the instance the way Packer's SSH communicator waits for a new machine: after
 * `pause_before_connecting`, it tries until `ssh_timeout`, with a short backoff. Refused, reset and
 * unreachable connections are retried; so are failed logins (a fresh instance may not have the key yet);
 * failures after the port answered but before the login (handshakes) at most `ssh_handshake_attempts`
 * times. A refused host key fails at once. An abort rejects promptly and leaves nothing open.
 */
export async function connectSsh(settings: SshSettings, signal?: AbortSignal, options: ConnectSshOptions = {}): Promise<SshConnection> {
  const target = describeEndpoint(settings);
  throwIfAborted(signal, target);
  const hostKeys = options.hostKeys ?? {
    target: new HostKeyCheck(settings.hostKey, target),
    bastion: settings.bastion ? new HostKeyCheck(settings.bastion.hostKey, `bastion ${describeEndpoint(settings.bastion)}`) : undefined,
  };
  const targetAuth = await authMethods(settings, 'ssh');
  const bastionAuth = settings.bastion ? await authMethods(settings.bastion, 'ssh_bastion') : undefined;
  const log = options.log ?? (() => undefined);

  if (settings.pauseBeforeConnectingMs > 0 && !options.skipPause) {
    log(`ssh: pausing ${settings.pauseBeforeConnectingMs} ms before connecting to ${target}`);
    await abortableSleep(settings.pauseBeforeConnectingMs, signal, target);
  }

  const started = Date.now();
  const deadline = started + settings.timeoutMs;
  let bastion: OpenClient | undefined;
  let handshakeFailures = 0;
  let lastError: Error | undefined;
  let connected = false;
  try {
    for (let attempt = 1; ; attempt++) {
      const attemptTimeout = Math.min(Math.max(deadline - Date.now(), 1_000), ATTEMPT_TIMEOUT_MS);
      try {
        let sock: Duplex | undefined;
        if (settings.bastion) {
          if (!bastion?.isOpen()) bastion = await openClient(settings.bastion, bastionAuth!, hostKeys.bastion!, settings, attemptTimeout, signal, undefined);
          sock = await forwardOut(bastion.client, settings, signal);
        }
        const client = await openClient(settings, targetAuth, hostKeys.target, settings, attemptTimeout, signal, sock);
        connected = true;
        if (attempt > 1) log(`ssh: connected to ${target} after ${attempt} attempts (${Math.round((Date.now() - started) / 100) / 10} s)`);
        return connection(client, bastion);
      } catch (error) {
        if (signal?.aborted) throw abortError(target);
        const failure = error as AttemptError;
        if (failure.hostKeyRefused) throw new SshConnectError(failure.message, 'host-key');
        if (!(failure instanceof AttemptError)) throw error;
        lastError = failure;
        if (failure.phase === 'handshake' && ++handshakeFailures >= settings.handshakeAttempts) {
          throw new SshConnectError(`gave up connecting to ${target} after ${handshakeFailures} failed SSH handshakes (ssh_handshake_attempts); last error: ${failure.message}`, 'handshake');
        }
      }
      const delay = Math.min(BACKOFF_MIN_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
      if (Date.now() + delay >= deadline) {
        throw new SshConnectError(
          `timed out after ${formatMs(settings.timeoutMs)} (ssh_timeout) waiting for SSH on ${target}${settings.bastion ? ` through bastion ${describeEndpoint(settings.bastion)}` : ''}: ${attempt} attempt(s), last error: ${lastError?.message ?? 'none'}`,
          'timeout',
        );
      }
      if (attempt === 1 || attempt % 10 === 0) log(`ssh: waiting for ${target} (attempt ${attempt}: ${lastError?.message})`);
      await abortableSleep(delay, signal, target);
    }
  } finally {
    if (!connected) bastion?.client.destroy();
  }
}

interface OpenClient {
  client: Client;
  /** The host key blob the server presented (and proved it holds). */
  hostKey?: Buffer;
  isOpen(): boolean;
}

/** The login methods of an endpoint, in order: key (file, then in-memory), agent, password. */
async function authMethods(endpoint: SshEndpoint, prefix: string): Promise<AuthMethod[]> {
  const methods: AuthMethod[] = [];
  const username = endpoint.username;
  for (const [key, source] of [
    [endpoint.privateKeyFile ? await readKeyFile(endpoint.privateKeyFile, prefix) : undefined, endpoint.privateKeyFile],
    [endpoint.privateKey, 'the temporary key'],
  ] as const) {
    if (key === undefined) continue;
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) {
      throw new SshConnectError(`${prefix}_private_key_file: cannot use ${source}: ${parsed.message} (keys protected by a passphrase are not supported; use ${prefix}_agent_auth)`, 'config');
    }
    methods.push({ type: 'publickey', username, key } as AuthMethod);
  }
  if (endpoint.agentAuth) {
    const agent = process.env.SSH_AUTH_SOCK;
    if (!agent) throw new SshConnectError(`${prefix}_agent_auth is set but SSH_AUTH_SOCK is not`, 'config');
    methods.push({ type: 'agent', username, agent } as AuthMethod);
  }
  if (endpoint.password !== undefined) methods.push({ type: 'password', username, password: endpoint.password } as AuthMethod);
  return methods;
}

async function readKeyFile(path: string, prefix: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new SshConnectError(`${prefix}_private_key_file: cannot read ${path}: ${(error as Error).message}`, 'config');
  }
}

/** One attempt to open and log in to one endpoint; rejects with an AttemptError saying how far it got. */
function openClient(
  endpoint: SshEndpoint,
  auth: AuthMethod[],
  hostKey: HostKeyCheck,
  settings: SshSettings,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  sock: Duplex | undefined,
): Promise<OpenClient> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let phase: Phase = sock ? 'handshake' : 'tcp';
    let presented: Buffer | undefined;
    let refusal: string | undefined;
    let lastError: Error | undefined;
    let settled = false;
    let open = false;

    const fail = (error: AttemptError) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      client.destroy();
      sock?.destroy();
      reject(error);
    };
    const onAbort = () => fail(new AttemptError('aborted', phase));
    signal?.addEventListener('abort', onAbort, { once: true });

    client.on('connect', () => (phase = 'handshake'));
    client.on('handshake', () => {
      if (phase === 'handshake') phase = 'auth';
    });
    client.on('ready', () => {
      if (settled) return client.destroy();
      settled = true;
      open = true;
      signal?.removeEventListener('abort', onAbort);
      if (presented) hostKey.remember(presented);
      resolve({ client, hostKey: presented, isOpen: () => open });
    });
    // Listening for errors for the client's whole life: a late error (keep-alive timeout) must not crash the process.
    client.on('error', (error: Error & { level?: string }) => {
      lastError = error;
      if (refusal) return fail(new AttemptError(refusal, phase, true));
      if (error.level === 'client-authentication') return fail(new AttemptError(`login as ${endpoint.username} refused (${error.message}) — the instance may not have the key yet`, 'auth'));
      // A timeout before the port answered is an unreachable host, not a handshake failure.
      const reachedPhase: Phase = error.level === 'client-timeout' && phase === 'tcp' ? 'tcp' : phase;
      fail(new AttemptError(`${error.message}${'code' in error && error.code ? ` (${String(error.code)})` : ''}`, reachedPhase));
    });
    client.on('close', () => {
      open = false;
      fail(new AttemptError(lastError?.message ?? `connection closed by ${endpoint.host} during the ${phase === 'auth' ? 'login' : 'handshake'}`, phase));
    });

    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username,
      sock,
      readyTimeout: timeoutMs,
      keepaliveInterval: settings.keepAliveIntervalMs,
      keepaliveCountMax: KEEP_ALIVE_COUNT_MAX,
      authHandler: auth,
      hostVerifier: (key: Buffer) => {
        const verdict = hostKey.verify(key);
        if (verdict.accepted) {
          presented = key;
          return true;
        }
        refusal = verdict.reason;
        return false;
      },
    };
    try {
      client.connect(config);
    } catch (error) {
      fail(new AttemptError((error as Error).message, phase));
    }
  });
}

/** A TCP stream to the instance, opened by the bastion (`direct-tcpip`, like `ssh -J`). */
function forwardOut(bastion: Client, target: SshEndpoint, signal?: AbortSignal): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(new AttemptError('aborted', 'tcp'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      bastion.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return stream?.destroy();
        settled = true;
        // The bastion could not reach the instance (yet): like a refused connection, retried.
        if (error) reject(new AttemptError(`bastion could not open a connection to ${target.host}:${target.port}: ${error.message}`, 'tcp'));
        else resolve(stream);
      });
    } catch (error) {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(new AttemptError(`bastion connection lost: ${(error as Error).message}`, 'tcp'));
    }
  });
}

function connection(target: OpenClient, bastion: OpenClient | undefined): SshConnection {
  const { client } = target;
  let open = true;
  const closed = new Promise<void>((resolve) => {
    const done = () => {
      if (!open) return;
      open = false;
      client.destroy();
      bastion?.client.destroy();
      resolve();
    };
    client.on('close', done);
    client.on('end', done);
    bastion?.client.on('close', done);
  });
  return {
    client,
    bastion: bastion?.client,
    hostKeyFingerprint: target.hostKey ? fingerprintOf(target.hostKey) : '',
    closed,
    isOpen: () => open,
    end: () => {
      client.end();
      bastion?.client.end();
      // Wait for nothing: a peer that stopped answering must not keep the socket (and the process) alive.
      setTimeout(() => {
        client.destroy();
        bastion?.client.destroy();
      }, 2_000).unref();
    },
  };
}

function abortError(target: string): Error {
  const error = new Error(`connecting over SSH to ${target} aborted`);
  error.name = 'AbortError';
  return error;
}

function throwIfAborted(signal: AbortSignal | undefined, target: string): void {
  if (signal?.aborted) throw abortError(target);
}

function abortableSleep(ms: number, signal: AbortSignal | undefined, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(target));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(target));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

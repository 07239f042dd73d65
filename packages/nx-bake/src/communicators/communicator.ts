import type { Readable } from 'node:stream';

export interface ExecOptions {
  env?: Record<string, string>;
  /** Milliseconds before the command is killed and the call fails. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Bytes written to the command's standard input. */
  stdin?: Buffer | string | Readable;
}

export interface ExecResult {
  exitCode: number | null;
  /** Set when the command was ended by a signal (or the connection dropped: `disconnected`). */
  signal?: string;
}

/** How ansible-playbook, running on the build host, reaches the instance. */
export interface AnsibleTarget {
  /** Inventory host line variables, e.g. ansible_connection, ansible_host, ansible_port. */
  inventoryVars: Record<string, string>;
  /** Extra environment for ansible-playbook (e.g. ANSIBLE_SSH_ARGS). */
  env?: Record<string, string>;
  /** Extra command line arguments (e.g. --private-key). */
  args?: string[];
}

export interface AnsibleTargetOptions {
  /** ansible-playbook runs Mitogen's strategy, which takes over only the connections it knows by name. */
  mitogen?: boolean;
}

/** The one way provisioners talk to a build instance, whatever the builder (docker exec, SSH, ...). */
export interface Communicator {
  /** Runs `command` through `/bin/sh -c` on the instance. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Uploads one file's bytes to `remotePath` (parent folders are created). */
  upload(source: Buffer | Readable, remotePath: string, options?: { mode?: number; signal?: AbortSignal }): Promise<void>;
  /** Uploads a local directory's tree into `remoteDir` as one tar stream. */
  uploadDirectory(localDir: string, remoteDir: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Downloads a remote file or directory to a local path. */
  download(remotePath: string, localPath: string, options?: { signal?: AbortSignal }): Promise<void>;
  ansibleTarget(options?: AnsibleTargetOptions): AnsibleTarget;
  close(): Promise<void>;
}

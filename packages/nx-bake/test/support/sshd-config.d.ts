export interface SshdConfigOptions {
  /** `host:port` to listen on (a loopback address). */
  listen: string;
  /** Paths as sshd sees them (inside a container, the container's). */
  hostKey: string;
  authorizedKeys: string;
  pidFile: string;
  /** For a bastion: let clients open direct-tcpip channels (`ssh -J`, forwardOut). Default: no. */
  allowTcpForwarding?: boolean;
  /** Default VERBOSE. */
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
  /** Extra sshd_config lines. */
  extra?: string[];
}

/** The sshd_config text: root login by key only, no PAM/DNS/motd, internal-sftp. */
export function sshdConfig(options: SshdConfigOptions): string;

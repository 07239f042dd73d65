import { indent, SHELL_SCRIPT_PROVISIONER } from './do-pipeline';

/**
 * An amazon-ebs pipeline for the tests against the fake EC2: Debian's AMI found by `source_ami_filter` as
 * on AWS, fast polling, `only` running the provisioners given and, with `child`, a stage built on its AMI.
 */
export interface Ec2Pipeline {
  name: string;
  /** The fake's sshd port on each instance's address. */
  sshPort: number;
  /** Extra builder fields, one `key: value` per line (flow style for maps and lists). */
  builderFields?: string;
  variables?: string;
  provisioners?: string;
  /** A second stage, `child`, from `only`'s AMI. */
  child?: boolean;
}

export function ec2Pipeline({ name, sshPort, builderFields = '', variables = '', provisioners = SHELL_SCRIPT_PROVISIONER, child = false }: Ec2Pipeline): string {
  return `name: ${name}
${variables ? `variables:\n${indent(variables, 2)}\n` : ''}builders:
  aws:
    type: amazon-ebs
    region: us-east-1
    instance_type: t3.micro
    source_ami_filter: { filters: { name: "debian-12-amd64-*" }, owners: ["136693071363"], most_recent: true }
    ssh_username: root
    ssh_port: ${sshPort}
    poll_interval: 200ms
${builderFields ? `${indent(builderFields, 4)}\n` : ''}stages:
  - name: only
    from: { image: debian-12 }
    provisioners:
${provisioners}
${
  child
    ? `  - name: child
    from: { stage: only }
    provisioners:
      - type: shell
        inline: ["echo child > /root/child"]
`
    : ''
}`;
}

import type { Step } from '../../steps/step';
import type { Artifact, ArtifactQuery, Builder, BuildRequest, BuildResource, BuildState, StoredArtifact } from '../builder';
import { sshConnectStep } from '../shared/connect-ssh';
import { provisionStep } from '../shared/provision';
import { findAmi, verifyAmi } from './artifacts';
import { parseAmazonEbsBuilderConfig } from './config';
import { createImageStep } from './create-image';
import { createKeyPairStep } from './create-key-pair';
import { Ec2Clients } from './ec2-client';
import { deleteAmis, deleteBuildResource, listAmis, listBuildResources } from './inventory';
import { runInstanceStep } from './run-instance';
import { allowSshStep, securityGroupStep } from './security-group';
import { sourceAmiStep } from './source-ami';
import { stopInstanceStep } from './stop-instance';

export { parseAmazonEbsBuilderConfig, type AmazonEbsBuilderConfig } from './config';

/**
 * Packer's amazon-ebs builder: an instance from the parent's AMI (or `source_ami`/`source_ami_filter`),
 * provisioned over SSH with a temporary key pair and security group, stopped, imaged, tagged and copied to
 * `ami_regions`; the instance, key pair and group are removed whatever happens.
 */
export class AmazonEbsBuilder implements Builder {
  readonly type = 'amazon-ebs';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  steps(request: BuildRequest): Step<BuildState>[] {
    const config = parseAmazonEbsBuilderConfig(request.config, request.builderName);
    const ec2 = new Ec2Clients(config);
    return [
      sourceAmiStep(ec2, request, config),
      createKeyPairStep(ec2, request),
      securityGroupStep(ec2, request, config),
      runInstanceStep(ec2, request, config),
      allowSshStep(ec2, config),
      sshConnectStep(request, 'amazon-ebs', config.ssh),
      provisionStep(request),
      stopInstanceStep(ec2, config),
      createImageStep(ec2, request, config),
    ];
  }

  findArtifact(query: ArtifactQuery): Promise<Artifact | undefined> {
    const config = parseAmazonEbsBuilderConfig(query.config, query.builderName);
    return findAmi(new Ec2Clients(config), config, query);
  }

  verifyArtifact(artifactId: string, query: ArtifactQuery): Promise<boolean> {
    const config = parseAmazonEbsBuilderConfig(query.config, query.builderName);
    return verifyAmi(new Ec2Clients(config), config, artifactId, query);
  }

  listArtifacts(raw: BuildRequest['config']): Promise<StoredArtifact[]> {
    const config = parseAmazonEbsBuilderConfig(raw);
    return listAmis(new Ec2Clients(config), config);
  }

  deleteArtifact(id: string, raw: BuildRequest['config']): Promise<void> {
    const config = parseAmazonEbsBuilderConfig(raw);
    return deleteAmis(new Ec2Clients(config), config, id);
  }

  listBuildResources(raw: BuildRequest['config']): Promise<BuildResource[]> {
    return listBuildResources(new Ec2Clients(parseAmazonEbsBuilderConfig(raw)));
  }

  deleteBuildResource(resource: BuildResource, raw: BuildRequest['config']): Promise<void> {
    const config = parseAmazonEbsBuilderConfig(raw);
    return deleteBuildResource(new Ec2Clients(config), config, resource);
  }

  /** The SDK reads its secret key and session token from the environment itself: redacted like sensitive variables. */
  secrets(): string[] {
    return [this.env.AWS_SECRET_ACCESS_KEY, this.env.AWS_SESSION_TOKEN].filter((secret): secret is string => Boolean(secret));
  }
}

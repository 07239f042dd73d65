import type { TemplateBlock, TemplateValue } from '../template';
import type { MappedBuilder } from './builders';
import type { Report } from './report';

const DOCKER_PUSH_LOGIN = ['login', 'login_server', 'login_username', 'login_password'];

/**
 * Post-processors that nx-bake does as part of a build: the manifest (always written), and the Docker
 * builder's tag and push (its `repository`, `tag`, `push` and `login_*` fields). The rest are dropped.
 */
export function mapPostProcessors(chains: TemplateBlock[][], builders: MappedBuilder[], report: Report): void {
  const allDocker = builders.filter((builder) => builder.type === 'docker');
  for (const processor of chains.flat()) {
    const field = (name: string) => processor.fields[name];
    // Packer runs a post-processor with `only`/`except` on those builders' artifacts alone.
    const docker = processor.type === 'docker-tag' || processor.type === 'docker-push' ? selected(processor, allDocker, report) : allDocker;
    switch (processor.type) {
      case 'manifest':
        report.mapped(processor.at, 'manifest: every stage writes a Packer-shaped manifest, dist/<pipeline>/<stage>/manifest.json, as the bake’s cached output');
        for (const [name, { at }] of Object.entries(processor.fields)) {
          if (name !== 'output' && name !== 'strip_path') report.dropped(at, `manifest ${name}: nx-bake's manifest records the artifact and its lineage, not ${name}`);
          else report.dropped(at, `manifest ${name}: the manifest's place is the stage's output folder, where Nx caches it`);
        }
        break;
      case 'docker-tag': {
        const tags = field('tags')?.value ?? field('tag')?.value;
        const tagList = Array.isArray(tags) ? tags : tags === undefined ? [] : [tags];
        for (const builder of docker) {
          if (field('repository')) builder.config.repository = field('repository')!.value;
          if (tagList.length > 0) builder.config.tag = tagList[0];
        }
        if (field('repository')) report.mapped(field('repository')!.at, `docker-tag repository → repository of ${names(docker)}`);
        if (tagList.length > 0) report.mapped((field('tags') ?? field('tag'))!.at, `docker-tag tag → tag of ${names(docker)}`);
        if (tagList.length > 1) report.dropped((field('tags') ?? field('tag'))!.at, `docker-tag: only the first tag (${String(tagList[0])}) is kept; a stage's image has one tag`);
        for (const [name, { at }] of Object.entries(processor.fields)) {
          if (!['repository', 'tag', 'tags', 'only', 'except'].includes(name)) report.dropped(at, `docker-tag ${name}: not needed (nx-bake tags the image it commits)`);
        }
        break;
      }
      case 'docker-push':
        for (const builder of docker) {
          builder.config.push = true;
          for (const name of DOCKER_PUSH_LOGIN) if (field(name)) builder.config[name] = field(name)!.value as TemplateValue;
        }
        report.mapped(processor.at, `docker-push → push: true on ${names(docker)}`);
        for (const [name, { at }] of Object.entries(processor.fields)) {
          if (!DOCKER_PUSH_LOGIN.includes(name) && name !== 'only' && name !== 'except') report.dropped(at, `docker-push ${name}: not a field of nx-bake's push`);
        }
        break;
      default:
        report.dropped(processor.at, `post-processor ${processor.type}: nx-bake has no post-processors beyond the manifest and the Docker builder's tag and push`);
    }
  }
}

/** The builders a post-processor's `only`/`except` leave it (Packer's names: JSON `name`, HCL2 `type.name`, `source.` or not). */
function selected(processor: TemplateBlock, builders: MappedBuilder[], report: Report): MappedBuilder[] {
  let kept = builders;
  for (const name of ['only', 'except'] as const) {
    const field = processor.fields[name];
    if (!field) continue;
    const listed = (Array.isArray(field.value) ? field.value : [field.value]).map((entry) => String(entry).replace(/^source\./, ''));
    const isNamed = (builder: MappedBuilder, entry: string) => entry === builder.block.name || entry === builder.key;
    const matches = (builder: MappedBuilder) => listed.some((entry) => isNamed(builder, entry));
    for (const entry of listed) if (!builders.some((builder) => isNamed(builder, entry))) report.dropped(field.at, `${processor.type} ${name}: no Docker builder ${entry} in this build`);
    kept = kept.filter((builder) => (name === 'only' ? matches(builder) : !matches(builder)));
    report.mapped(field.at, `${processor.type} ${name}: it applies to ${names(kept)}`);
  }
  return kept;
}

function names(builders: MappedBuilder[]): string {
  return builders.length === 0 ? 'no Docker builder' : builders.map((builder) => `builder ${builder.key}`).join(', ');
}

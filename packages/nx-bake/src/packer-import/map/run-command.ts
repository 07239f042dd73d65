import type { TemplateBlock, TemplateValue } from '../template';
import type { Report } from './report';

/**
 * Packer's Docker `run_command` is the whole `docker run` argument list; nx-bake starts the container
 * itself. The flags that change what the build can do (host network, privileges, binds) become the
 * builder's fields; the rest is reported.
 */
export function mapRunCommand(block: TemplateBlock, config: Record<string, TemplateValue>, report: Report): void {
  const field = block.fields.run_command;
  if (!field || !Array.isArray(field.value)) return;
  const args = field.value.map(String);
  const kept: string[] = [];
  const volumes: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s);
    const value = () => inline ?? args[++i];
    if (flag === '--network' || flag === '--net') config.network = value();
    else if (flag === '--privileged') config.privileged = true;
    else if (flag === '-v' || flag === '--volume') volumes.push(value());
    else if (!['-d', '-i', '-t', '-dit', '-it', '--detach', '--interactive', '--tty'].includes(flag) && !args[i].includes('{{')) kept.push(args[i]);
  }
  if (volumes.length > 0) config.volumes = volumes;
  const took = ['network', 'privileged', 'volumes'].filter((name) => config[name] !== undefined);
  report.approximated(
    field.at,
    `run_command: nx-bake starts the container itself${took.length > 0 ? `; its ${took.join(', ')} → the builder's fields` : ''}${kept.length > 0 ? `; not kept: ${kept.join(' ')}` : ''}`,
  );
}

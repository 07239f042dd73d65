import type { TemplateBlock, TemplateField, TemplateValue } from '../template';
import type { Report } from './report';

/**
 * Packer's `override` gives a provisioner other settings on some builders. A pipeline says the same with
 * one provisioner per overridden builder (`only: [it]`, its settings merged in) and one for the others
 * (`except:` them), in the same place of the list.
 */
export function expandOverrides(block: TemplateBlock, builders: string[], report: Report): TemplateBlock[] {
  const override = block.fields.override;
  if (!override || typeof override.value !== 'object' || override.value === null || Array.isArray(override.value)) return [block];
  const { override: _override, ...fields } = block.fields;
  const restricted = (name: 'only' | 'except') => (Array.isArray(fields[name]?.value) ? (fields[name]!.value as TemplateValue[]).map(String) : undefined);
  const runsOn = builders.filter((builder) => (restricted('only') ?? builders).includes(builder) && !(restricted('except') ?? []).includes(builder));
  const overridden = Object.keys(override.value).filter((builder) => runsOn.includes(builder));
  const list = (names: string[]): TemplateField => ({ value: names, at: override.at });
  const expanded = overridden.map((builder) => {
    const settings = ((override.value as Record<string, TemplateValue>)[builder] ?? {}) as Record<string, TemplateValue>;
    const own = Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, { value, at: override.at }]));
    const { except: _except, ...rest } = fields;
    return { ...block, fields: { ...rest, ...own, only: list([builder]) } };
  });
  const others = runsOn.filter((builder) => !overridden.includes(builder));
  if (others.length > 0) {
    const { only: _only, ...rest } = fields;
    expanded.push({ ...block, fields: { ...rest, only: list(others) } });
  }
  report.approximated(override.at, `${block.type} override: one provisioner for each of ${overridden.join(', ')} (only:) with its settings${others.length > 0 ? `, and one for ${others.join(', ')}` : ''}`);
  return expanded;
}

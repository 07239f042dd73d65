/**
 * `data "amazon-ami"` blocks. Packer looks the AMI up before it builds; an amazon-ebs builder's
 * `source_ami_filter` is the same lookup, made when the build starts. So a source whose `source_ami` is
 * `data.amazon-ami.<name>.id` gets the data source's filter; any other use of a data source has no
 * counterpart (references.ts).
 */
import type { TemplateField, TemplateValue } from '../template';
import { attributeParts, blockHeader, bodyOf, bodyParts, readFields } from './body';
import type { SyntaxNode } from './parser';
import { note, positionOf, type Scope } from './scope';

export interface DataSource {
  block: SyntaxNode;
  scope: Scope;
  /** A source's source_ami is its id. */
  used: boolean;
}

/** The fields of a data source that a `source_ami_filter` has. */
const FILTER_FIELDS = ['filters', 'owners', 'most_recent'];
const AMI_ID_REFERENCE = /^data\.amazon-ami\.([A-Za-z0-9_-]+)\.id$/;

/**
 * The `source_ami_filter` a source body's `source_ami` becomes when it is an amazon-ami data source's id;
 * undefined when it is not.
 */
export function sourceAmiFilterFromData(sourceBody: SyntaxNode | undefined, scope: Scope, dataSources: Map<string, DataSource>): TemplateField | undefined {
  const attribute = bodyParts(sourceBody).attributes.find((candidate) => attributeParts(candidate).name === 'source_ami');
  const name = attribute && AMI_ID_REFERENCE.exec(attributeParts(attribute).value.text.trim())?.[1];
  const data = name === undefined ? undefined : dataSources.get(`amazon-ami.${name}`);
  if (!attribute || !data) return undefined;
  const dataBody = bodyOf(data.block);
  const fields = readFields(dataBody, data.scope);
  const filter: Record<string, TemplateValue> = {};
  for (const written of [...bodyParts(dataBody).attributes, ...bodyParts(dataBody).blocks]) {
    const field = written.type === 'attribute' ? attributeParts(written).name : blockHeader(written).type;
    if (FILTER_FIELDS.includes(field)) filter[field] = fields[field].value;
    else if (field === 'region') note(data.scope, written, 'approximated', `region of data source amazon-ami.${name}: the filter runs in the region of the builder that uses it`);
    else note(data.scope, written, 'dropped', `${field} of data source amazon-ami.${name} has no counterpart in source_ami_filter`);
  }
  note(scope, attribute, 'approximated', `source_ami = data.amazon-ami.${name}.id: the data source's ${FILTER_FIELDS.filter((field) => field in filter).join(', ')} became source_ami_filter, looked up when the build starts`);
  data.used = true;
  return { value: filter, at: positionOf(scope, attribute) };
}

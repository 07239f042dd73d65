/**
 * Packer templates into a pipeline: readers for each syntax produce one template model (template.ts);
 * the mapping (map/) makes the pipeline, the files to copy and the report.
 */
export { mapTemplates, type MappedPipeline, type TemplateInput } from './map/pipeline';
export { formatReport, type ReportLine } from './map/report';
export type { FileCopy } from './map/stage-files';
export { readTemplates, readVarFiles } from './read-templates';
export { pipelineYaml, varFileYaml } from './write-pipeline';

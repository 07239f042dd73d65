/** The HCL2 reader of the Packer importer: templates (`.pkr.hcl` files and folders) and variable files. */
export { readHclTemplate } from './read-template';
export { readHclVarFile } from './read-var-file';

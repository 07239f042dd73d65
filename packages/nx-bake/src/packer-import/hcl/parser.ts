/**
 * The HCL2 parser: tree-sitter's HCL grammar as WASM. Chosen over HashiCorp's parser compiled to WASM
 * (@cdktf/hcl2json) because that one returns plain JSON without source positions, and the import report
 * names the file:line of every field; tree-sitter keeps positions and the syntax of every expression.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

export type { Node as SyntaxNode } from 'web-tree-sitter';

let parserLoading: Promise<Parser> | undefined;

/** One parser for the process: loading the WASM runtime and grammar takes a while, and parsing is synchronous. */
function hclParser(): Promise<Parser> {
  parserLoading ??= (async () => {
    await Parser.init();
    const grammarDir = dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'));
    // As bytes: given a path, web-tree-sitter reads it through a dynamic import(), which jest's CommonJS runtime refuses.
    const language = await Language.load(await readFile(join(grammarDir, 'tree-sitter-hcl.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserLoading;
}

/** The `body` of an HCL file; throws `file:line:col: ...` for every syntax error in it. */
export async function parseHcl(text: string, file: string): Promise<Node> {
  const tree = (await hclParser()).parse(text);
  if (!tree) throw new Error(`${file}: the HCL parser returned nothing`);
  const root = tree.rootNode;
  const errors = syntaxErrors(root).map((error) => `${file}:${error.startPosition.row + 1}:${error.startPosition.column + 1}: ${describeError(error)}`);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  // An empty file has no body.
  return root.namedChildren.find((child) => child?.type === 'body') ?? root;
}

/** ERROR and MISSING nodes, outermost only: an ERROR node's inside says nothing more. */
function syntaxErrors(node: Node): Node[] {
  if (node.isError || node.isMissing) return [node];
  if (!node.hasError) return [];
  return node.children.flatMap((child) => (child ? syntaxErrors(child) : []));
}

function describeError(node: Node): string {
  if (node.isMissing) return `syntax error: missing ${JSON.stringify(node.type)}`;
  const text = node.text.split('\n')[0];
  return `syntax error: unexpected ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)}`;
}

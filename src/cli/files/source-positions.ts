import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  col: number;
}

/**
 * A parsed YAML or JSON file (JSON is YAML, so one parser keeps source ranges for both) that answers
 * where a JSON pointer of the document is written. A pointer to something absent (a missing required
 * property) answers the position of its nearest present parent, which is where the fix goes.
 */
export class SourceMap {
  private constructor(
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(source: string): { map: SourceMap; value: unknown; errors: Array<{ message: string; position: SourcePosition }> } {
    const lines = new LineCounter();
    const document = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const map = new SourceMap(document, lines);
    const errors = document.errors.map((e) => ({ message: e.message.split('\n')[0], position: map.at(e.pos[0]) }));
    return { map, value: errors.length ? undefined : document.toJS({ maxAliasCount: 100 }), errors };
  }

  positionOf(pointer: string): SourcePosition {
    let node: unknown = this.document.contents;
    let found: Node | undefined = isNode(node) ? node : undefined;
    for (const segment of parsePointer(pointer)) {
      let next: unknown;
      let key: unknown;
      if (isSeq(node)) next = node.items[Number(segment)];
      else if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        next = pair?.value;
        key = pair?.key;
        // A property written without a value (`url:`) is still found at its key.
        if (pair && next == null) next = pair.key;
      } else break;
      if (next == null) break;
      // For a property, its key's line is where an editor points (a block map's own range starts on the next line).
      const at = isNode(key) ? key : next;
      if (isNode(at)) found = at;
      node = next;
    }
    return this.at(found?.range?.[0] ?? 0);
  }

  private at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }
}

/** RFC 6901: `/a/b~1c/0` → ["a", "b/c", "0"]. */
export function parsePointer(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

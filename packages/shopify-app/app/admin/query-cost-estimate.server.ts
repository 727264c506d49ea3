// A first guess at the points Shopify will ask for a call, before any answer has said, from the
// document's text and Shopify's documented rules (shopify.dev/docs/api/usage/limits#cost-calculation):
// a scalar costs 0, an object 1, a connection 2 plus its page size times what each node selects, a
// mutation's top-level field 10. Without the schema, a field with a selection is an object, and a
// connection when it takes `first` or `last`.

/** When the document cannot be read: a conservative share of Shopify's 1,000-point cap on one query. */
export const unreadableQueryCost = 100;
const mutationFieldCost = 10;

type Selection =
  | { kind: 'field'; name: string; pageSize: number | undefined; children: Selection[] | undefined }
  | { kind: 'inline'; children: Selection[] }
  | { kind: 'spread'; name: string };

const tokenPattern =
  /"""[\s\S]*?"""|"(?:\\.|[^"\\])*"|#[^\n]*|\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[^\s,]/g;

function tokensOf(document: string): string[] {
  return (document.match(tokenPattern) ?? []).filter((token) => !token.startsWith('#'));
}

function parseDocument(document: string, variables: Record<string, unknown>) {
  const tokens = tokensOf(document);
  let position = 0;
  const peek = () => tokens[position];
  const take = () => {
    const token = tokens[position++];
    if (token === undefined) throw new Error('the document ends early');
    return token;
  };
  const skipBalanced = (open: string, close: string) => {
    let depth = 0;
    do {
      const token = take();
      if (token === open) depth += 1;
      if (token === close) depth -= 1;
    } while (depth > 0);
  };
  const skipDirectives = () => {
    while (peek() === '@') {
      take();
      take();
      if (peek() === '(') skipBalanced('(', ')');
    }
  };

  /** The page size a field's `first` or `last` asks for: a number, or a variable holding one. */
  function pageSizeOf(): number | undefined {
    let pageSize: number | undefined;
    let connection = false;
    take();
    while (peek() !== ')') {
      const name = take();
      take(); // ':'
      let value: unknown;
      const token = take();
      if (token === '$') value = variables[take()];
      else if (token === '[' || token === '{') {
        position -= 1;
        skipBalanced(token, token === '[' ? ']' : '}');
      } else value = Number(token);
      if (name === 'first' || name === 'last') {
        connection = true;
        if (typeof value === 'number' && Number.isFinite(value)) pageSize = Math.max(pageSize ?? 0, value);
      }
    }
    take();
    // Shopify refuses a connection without a page size; count one node, as its calculator does.
    return connection ? (pageSize ?? 1) : undefined;
  }

  function selectionSet(): Selection[] {
    const selections: Selection[] = [];
    take(); // '{'
    while (peek() !== '}') {
      if (peek() === '...') {
        take();
        if (peek() === 'on' || peek() === '{' || peek() === '@') {
          if (peek() === 'on') position += 2;
          skipDirectives();
          selections.push({ kind: 'inline', children: selectionSet() });
        } else {
          selections.push({ kind: 'spread', name: take() });
          skipDirectives();
        }
        continue;
      }
      let name = take();
      if (peek() === ':') {
        take();
        name = take();
      }
      const pageSize = peek() === '(' ? pageSizeOf() : undefined;
      skipDirectives();
      const children = peek() === '{' ? selectionSet() : undefined;
      selections.push({ kind: 'field', name, pageSize, children });
    }
    take();
    return selections;
  }

  const fragments = new Map<string, Selection[]>();
  let operation: { mutation: boolean; selections: Selection[] } | undefined;
  while (peek() !== undefined) {
    const token = take();
    if (token === 'fragment') {
      const name = take();
      position += 2; // on Type
      skipDirectives();
      fragments.set(name, selectionSet());
    } else if (token === '{' || token === 'query' || token === 'mutation' || token === 'subscription') {
      if (token === '{') position -= 1;
      while (peek() !== '{') {
        if (peek() === '(') skipBalanced('(', ')');
        else take();
      }
      const selections = selectionSet();
      operation ??= { mutation: token === 'mutation', selections };
    } else throw new Error(`unexpected ${token}`);
  }
  if (!operation) throw new Error('the document holds no operation');
  return { operation, fragments };
}

export function estimateQueryCost(document: string, variables: Record<string, unknown> = {}): number {
  let parsed: ReturnType<typeof parseDocument>;
  try {
    parsed = parseDocument(document, variables);
  } catch {
    return /^\s*(#[^\n]*\s*)*mutation\b/.test(document) ? mutationFieldCost : unreadableQueryCost;
  }
  const { operation, fragments } = parsed;
  if (operation.mutation)
    return mutationFieldCost * operation.selections.filter((selection) => selection.kind === 'field').length;

  function cost(selections: Selection[], spreading: ReadonlySet<string>): number {
    let total = 0;
    for (const selection of selections) {
      if (selection.kind === 'inline') total += cost(selection.children, spreading);
      else if (selection.kind === 'spread') {
        const fragment = fragments.get(selection.name);
        if (fragment && !spreading.has(selection.name))
          total += cost(fragment, new Set([...spreading, selection.name]));
      } else if (selection.children) {
        total +=
          selection.pageSize === undefined
            ? 1 + cost(selection.children, spreading)
            : 2 + selection.pageSize * perNode(selection.children, spreading);
      }
    }
    return total;
  }

  /** What one node of a connection costs: `nodes { … }` or `edges { node { … } }`. */
  function perNode(selections: Selection[], spreading: ReadonlySet<string>): number {
    let total = 0;
    for (const selection of selections) {
      if (selection.kind !== 'field' || !selection.children) continue;
      if (selection.name === 'nodes') total += 1 + cost(selection.children, spreading);
      if (selection.name === 'edges') {
        total += 1;
        for (const inner of selection.children)
          if (inner.kind === 'field' && inner.name === 'node' && inner.children)
            total += cost(inner.children, spreading);
      }
    }
    return total;
  }

  return Math.max(1, cost(operation.selections, new Set()));
}

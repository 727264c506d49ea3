import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';

/** A document's fragments by name and its (first) operation. */
function partsOf(document: DocumentNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return { fragments, operation };
}

/**
 * The requested cost of an operation, as Shopify's calculator documents it: a scalar or enum field
 * costs 0, an object 1, a connection 2 plus its page size times what each node selects, and a
 * mutation's top-level field 10 (shopify.dev/docs/api/usage/limits#cost-calculation).
 */
export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): number {
  const { fragments, operation } = partsOf(document);
  if (!operation) return 0;
  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!rootType) return 0;

  function argumentNumber(value: unknown): number | undefined {
    return typeof value === 'number' ? value : undefined;
  }

  function selectionCost(selectionSet: SelectionSetNode, parentTypeName: string): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += selectionCost(selection.selectionSet, selection.typeCondition?.name.value ?? parentTypeName);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) total += selectionCost(fragment.selectionSet, fragment.typeCondition.name.value);
        continue;
      }
      const parent = schema.getType(parentTypeName);
      if (!parent || !('getFields' in parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named) || !selection.selectionSet) continue;
      if (named.name.endsWith('Connection')) {
        const arguments_ = Object.fromEntries(
          (selection.arguments ?? []).map((argument) => [
            argument.name.value,
            valueFromASTUntyped(argument.value, variables),
          ]),
        );
        const pageSize = argumentNumber(arguments_.first) ?? argumentNumber(arguments_.last) ?? 1;
        let perNode = 0;
        for (const inner of selection.selectionSet.selections) {
          if (inner.kind !== Kind.FIELD || !inner.selectionSet) continue;
          if (inner.name.value === 'nodes')
            perNode += 1 + selectionCost(inner.selectionSet, nodeTypeOf(named.name));
          if (inner.name.value === 'edges') perNode += 1 + edgeCost(inner.selectionSet, named.name);
        }
        total += 2 + pageSize * perNode;
      } else {
        total += 1 + selectionCost(selection.selectionSet, named.name);
      }
    }
    return total;
  }

  function nodeTypeOf(connectionName: string): string {
    const connection = schema.getType(connectionName);
    if (connection && 'getFields' in connection) {
      const nodes = connection.getFields().nodes;
      if (nodes) return getNamedType(nodes.type).name;
    }
    return connectionName.replace(/Connection$/, '');
  }

  function edgeCost(selectionSet: SelectionSetNode, connectionName: string): number {
    let total = 0;
    for (const inner of selectionSet.selections)
      if (inner.kind === Kind.FIELD && inner.name.value === 'node' && inner.selectionSet)
        total += selectionCost(inner.selectionSet, nodeTypeOf(connectionName));
    return total;
  }

  if (operation.operation === 'mutation') return 10 * operation.selectionSet.selections.length;
  return Math.max(1, selectionCost(operation.selectionSet, rootType.name));
}

/**
 * What the operation really cost: the same rules over what it returned (a connection costs 2 plus
 * each node it returned), which Shopify charges in the end, refunding the rest of the requested cost.
 */
export function actualQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: Record<string, unknown> | null | undefined,
): number {
  const { fragments, operation } = partsOf(document);
  if (!operation) return 0;
  if (operation.operation === 'mutation') return 10 * operation.selectionSet.selections.length;
  const rootType = schema.getQueryType();
  if (!rootType || !data) return 1;

  function fieldsOf(selectionSet: SelectionSetNode, typeName: string, value: Record<string, unknown>) {
    const result: Array<{
      name: string;
      alias: string;
      selectionSet: SelectionSetNode | undefined;
      parent: string;
    }> = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD)
        result.push({
          name: selection.name.value,
          alias: selection.alias?.value ?? selection.name.value,
          selectionSet: selection.selectionSet,
          parent: typeName,
        });
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        // The answer holds a fragment's fields only when the object was of that type.
        const condition = selection.typeCondition?.name.value ?? typeName;
        const applies = selection.selectionSet.selections.some(
          (inner) => inner.kind === Kind.FIELD && (inner.alias?.value ?? inner.name.value) in value,
        );
        if (applies) result.push(...fieldsOf(selection.selectionSet, condition, value));
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment)
          result.push(...fieldsOf(fragment.selectionSet, fragment.typeCondition.name.value, value));
      }
    }
    return result;
  }

  function cost(selectionSet: SelectionSetNode, typeName: string, value: Record<string, unknown>): number {
    let total = 0;
    for (const field of fieldsOf(selectionSet, typeName, value)) {
      if (!field.selectionSet) continue;
      const parent = schema.getType(field.parent);
      const definition = parent && 'getFields' in parent ? parent.getFields()[field.name] : undefined;
      const named = definition ? getNamedType(definition.type) : undefined;
      const child = value[field.alias];
      if (!named) continue;
      if (named.name.endsWith('Connection') && child && typeof child === 'object') {
        const connection = child as { nodes?: unknown[]; edges?: Array<{ node?: unknown }> };
        const nodes = connection.nodes ?? connection.edges?.map((edge) => edge.node) ?? [];
        const inner = field.selectionSet.selections.find(
          (selection) =>
            selection.kind === Kind.FIELD &&
            (selection.name.value === 'nodes' || selection.name.value === 'edges'),
        );
        const nodeSelection =
          inner?.kind === Kind.FIELD && inner.name.value === 'edges'
            ? inner.selectionSet?.selections.find(
                (selection) => selection.kind === Kind.FIELD && selection.name.value === 'node',
              )
            : inner;
        const nodeType = named.name.replace(/Connection$/, '');
        total += 2;
        for (const node of nodes)
          if (
            node &&
            typeof node === 'object' &&
            nodeSelection?.kind === Kind.FIELD &&
            nodeSelection.selectionSet
          )
            total +=
              1 +
              cost(
                nodeSelection.selectionSet,
                (node as { __typename?: string }).__typename ?? nodeType,
                node as Record<string, unknown>,
              );
        continue;
      }
      const items = Array.isArray(child) ? child : [child];
      for (const item of items) {
        total += 1;
        if (item && typeof item === 'object')
          total += cost(
            field.selectionSet,
            (item as { __typename?: string }).__typename ?? named.name,
            item as Record<string, unknown>,
          );
      }
    }
    return total;
  }

  return Math.max(1, cost(operation.selectionSet, rootType.name, data));
}

/** Shopify's leaky bucket for one app on one shop: points restore at a steady rate up to a maximum. */
export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    public maximumAvailable: number,
    public restoreRate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = maximumAvailable;
    this.updatedAt = now();
  }

  currentlyAvailable(): number {
    const now = this.now();
    this.available = Math.min(
      this.maximumAvailable,
      this.available + ((now - this.updatedAt) / 1000) * this.restoreRate,
    );
    this.updatedAt = now;
    return this.available;
  }

  /** Takes the points when they are there; false (and nothing taken) when the request is throttled. */
  take(points: number): boolean {
    if (this.currentlyAvailable() < points) return false;
    this.available -= points;
    return true;
  }

  /** Gives back what a request was charged beyond its actual cost. */
  refund(points: number): void {
    this.currentlyAvailable();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Empties the bucket to a given level (tests use it to provoke throttling). */
  drainTo(points: number): void {
    this.currentlyAvailable();
    this.available = Math.min(points, this.maximumAvailable);
  }

  status() {
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.currentlyAvailable()),
      restoreRate: this.restoreRate,
    };
  }
}

import {
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

import { ApiError } from '../errors/api-error';
import { ApiErrorCode } from '../errors/error-code';

/**
 * Creates a validation rule that rejects operations whose selections nest deeper than `maxDepth`.
 * Root fields are depth 1. Fragments count at the depth where they are spread, and the
 * introspection fields (__schema, __type) are skipped because their depth is fixed by the
 * schema, not by the request.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }

      const depth = selectionDepth(operation.selectionSet, fragments, new Set());
      if (depth > maxDepth) {
        const name = operation.name?.value ?? 'anonymous operation';
        context.reportError(
          new ApiError(
            ApiErrorCode.QUERY_TOO_DEEP,
            `Query depth ${depth} of ${name} exceeds the maximum of ${maxDepth}; request fewer nested fields.`,
            { depth, maxDepth },
          ),
        );
      }
    },
  });
}

function selectionDepth(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  // Fragments on the current path. A cycle is reported by graphql-js' NoFragmentCycles rule,
  // which runs alongside this one, so here it only has to stop the recursion.
  visiting: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, visiting) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/definitions';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
const GRPC_UNIMPLEMENTED = 12;

type Operator = Pick<Connection, 'operatorService'>;

/**
 * Registers the project's search attributes on a server that lacks them. Without them the
 * workflow's first upsert fails its task, so a worker checks before polling. Returns the
 * names it added; managed servers (Temporal Cloud) refuse and need them added by hand.
 */
export async function ensureSearchAttributes(
  connection: Operator,
  namespace: string,
): Promise<string[]> {
  const known = await knownAttributes(connection, namespace);
  const missing = CUSTOM_SEARCH_ATTRIBUTES.map((key) => key.name).filter(
    (name) => !known.has(name),
  );
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
  });
  return missing;
}

/** The time-skipping test server can add attributes but not list them: treat as none. */
async function knownAttributes(connection: Operator, namespace: string): Promise<Set<string>> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set([
      ...Object.keys(existing.customAttributes ?? {}),
      ...Object.keys(existing.systemAttributes ?? {}),
    ]);
  } catch (err) {
    if ((err as { code?: number }).code === GRPC_UNIMPLEMENTED) return new Set();
    throw err;
  }
}

import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';

/** temporal.api.enums.v1.IndexedValueType numbers of the types the project uses. */
export const INDEXED_VALUE_TYPE: Record<string, number> = { Keyword: 2, KeywordList: 7 };
const NAME_OF: Record<number, string> = Object.fromEntries(Object.entries(INDEXED_VALUE_TYPE).map(([k, v]) => [v, k]));

/** The search attributes the server has with another type than the project's (name → [has, wants]). */
export function searchAttributeMismatches(registered: Record<string, number>): [string, string, string][] {
  return Object.entries(SEARCH_ATTRIBUTES)
    .filter(([name, type]) => registered[name] !== undefined && registered[name] !== INDEXED_VALUE_TYPE[type])
    .map(([name, type]) => [name, NAME_OF[registered[name]!] ?? `type ${registered[name]}`, type]);
}

/**
 * After `stack up`: a local stack started by an older version registered AudienceflowApplicationId and
 * AudienceflowJobId as Keyword. Runs would then fail to start; say so now, with the fix.
 */
export async function assertSearchAttributeTypes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const res = await connection.operatorService.listSearchAttributes({ namespace });
    const wrong = searchAttributeMismatches(res.customAttributes);
    if (wrong.length === 0) return;
    throw new Error(
      `the local Temporal server has ${wrong.map(([n, has, wants]) => `${n} as ${has} (needs ${wants})`).join(', ')}: ` +
        'it was set up by an older audienceflow. Fix: `audienceflow stack down --purge` then `audienceflow stack up` ' +
        '(a fresh Temporal database), or keep its history and re-create them: ' +
        wrong
          .map(
            ([n, , wants]) =>
              `temporal operator search-attribute remove --name ${n} --yes --address ${address} && ` +
              `temporal operator search-attribute create --name ${n} --type ${wants} --address ${address}`,
          )
          .join('; '),
    );
  } finally {
    await connection.close();
  }
}

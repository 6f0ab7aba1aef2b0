import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes the Temporal UI filters on. They must be registered on the server:
 * the local stack and the test harness pass them to `temporal server start-dev --search-attribute`.
 */
export const SA_PIPELINE = defineSearchAttributeKey('AudienceflowPipeline', SearchAttributeType.KEYWORD);
export const SA_PROVIDER = defineSearchAttributeKey('AudienceflowProvider', SearchAttributeType.KEYWORD);
/** Every application a run touches (a sync: its source and its target). */
export const SA_APPLICATION_ID = defineSearchAttributeKey(
  'AudienceflowApplicationId',
  SearchAttributeType.KEYWORD_LIST,
);
/** Every remote job id of the run (a sync: its export job and its import jobs). */
export const SA_JOB_ID = defineSearchAttributeKey('AudienceflowJobId', SearchAttributeType.KEYWORD_LIST);
export const SA_STATUS = defineSearchAttributeKey('AudienceflowStatus', SearchAttributeType.KEYWORD);

/**
 * name → type, as `temporal server start-dev --search-attribute Name=Type` and `temporal operator search-attribute
 * create --type` want them. A list attribute matches `Name = 'value'` when any of its values is `value`.
 */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'KeywordList'> = {
  [SA_PIPELINE.name]: 'Keyword',
  [SA_PROVIDER.name]: 'Keyword',
  [SA_APPLICATION_ID.name]: 'KeywordList',
  [SA_JOB_ID.name]: 'KeywordList',
  [SA_STATUS.name]: 'Keyword',
};

/** The commands that register the search attributes on a Temporal cluster (README, CLI hints). */
export function searchAttributeCommands(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).map(
    ([name, type]) => `temporal operator search-attribute create --name ${name} --type ${type}`,
  );
}

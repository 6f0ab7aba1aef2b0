import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes the Temporal UI filters on. They must be registered on the server:
 * the local stack and the test harness pass them to `temporal server start-dev --search-attribute`.
 */
export const SA_PIPELINE = defineSearchAttributeKey('AudienceflowPipeline', SearchAttributeType.KEYWORD);
export const SA_PROVIDER = defineSearchAttributeKey('AudienceflowProvider', SearchAttributeType.KEYWORD);
export const SA_APPLICATION_ID = defineSearchAttributeKey('AudienceflowApplicationId', SearchAttributeType.KEYWORD);
export const SA_JOB_ID = defineSearchAttributeKey('AudienceflowJobId', SearchAttributeType.KEYWORD);
export const SA_STATUS = defineSearchAttributeKey('AudienceflowStatus', SearchAttributeType.KEYWORD);

/** name → type, as `temporal server start-dev --search-attribute Name=Type` wants them. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  [SA_PIPELINE.name]: 'Keyword',
  [SA_PROVIDER.name]: 'Keyword',
  [SA_APPLICATION_ID.name]: 'Keyword',
  [SA_JOB_ID.name]: 'Keyword',
  [SA_STATUS.name]: 'Keyword',
};

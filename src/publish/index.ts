// Publishing the report: the Feishu document, the Word file, the yearly "submitted" mark.
export { createPublisher, DEFAULT_DOC_URL_BASE, JOB_PUBLISH, JOB_WORD, MAX_TRIES, PUB_TEXT, type PublisherDeps, type PublishStep, treeOf } from './publisher.ts';
export { getSubmission, listSubmissions, markSubmitted, type Submission } from './submissions.ts';
export { batches, batchToken, type DocBlock, reportBlocks } from './blocks.ts';
export { GBT9704, renderWord, wordDocument, wordFileName } from './word.ts';
export { describePublishFailure, FAILURE_TEXT, type PublishFailure } from './failure.ts';

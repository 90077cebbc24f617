export {
  CALLBACK_ATTEMPTS,
  CALLBACK_BACKOFF_TYPE,
  type CallbackJob,
  type CallbackJobData,
  callbackEventId,
  callbackJob,
} from "./callback-jobs.js";
export {
  CALLBACK_HEADERS,
  SmsCallbackError,
  type SmsCallbackErrorCode,
  type SmsCallbackEvent,
  signCallback,
  type VerifyCallbackOptions,
  verifyCallback,
} from "./callback-signature.js";
export { prefixHasHashTag } from "./cluster-prefix.js";
export type { SmsRedisConnection } from "./connection.js";
export {
  type DeadLetterEntry,
  DeadLetterQueue,
  type DeadLetterQueueOptions,
  type PurgeResult,
  type RedriveResult,
} from "./dead-letter-queue.js";
export { PRODUCER_DEFAULTS, type SmsRelayDefaults } from "./defaults.js";
export {
  DELIVERY_REFERENCE_LENGTH,
  DELIVERY_UNMATCHED_LIMIT,
  type DeliveryKeys,
  deliveryKeys,
  isDeliveryReference,
  newDeliveryReference,
} from "./delivery-keys.js";
export { readDeliveries, readDelivery } from "./delivery-read.js";
export {
  type DeliveryCallbackSource,
  type DeliveryReport,
  DeliveryReportError,
  type DeliveryReportOutcome,
  deliveryReportMark,
  type RecordDeliveryReportsOptions,
  recordDeliveryReports,
} from "./delivery-reports.js";
export {
  combineDeliveryStates,
  deliveryStateOfKpnStatus,
  isFinalDeliveryState,
  type ReportedDeliveryState,
  type SmsDelivery,
  type SmsDeliveryState,
} from "./delivery-state.js";
export { SmsProducerError, type SmsProducerErrorCode, SmsValidationError } from "./errors.js";
export { formatZodIssues, type SmsValidationIssue } from "./format-zod-issues.js";
export {
  deadLetterJobOptions,
  SMS_BACKOFF_TYPE,
  SMS_JOB_DEFAULTS,
  smsJobId,
} from "./job-options.js";
export {
  type DeadLetterJobData,
  type DeadLetterReason,
  deadLetterErrorSchema,
  deadLetterJobDataSchema,
  deadLetterReasonSchema,
  type SmsEncoding,
  type SmsJobData,
  type SmsJobProgress,
  type SmsJobResult,
  smsContentSchema,
  smsEncodingSchema,
  smsJobDataSchema,
  smsJobProgressSchema,
  smsJobResultSchema,
} from "./job-schemas.js";
export {
  type FindSmsIdsByNumberOptions,
  findSmsIdsByNumber,
  type IndexSmsByNumberOptions,
  indexSmsByNumber,
  NUMBER_INDEX_DEFAULT_LIMIT,
  type NumberIndexEntry,
  numberIndexKey,
} from "./number-index.js";
export type { SmsProducerOptions } from "./producer-options.js";
export {
  CALLBACK_JOB_NAME,
  CALLBACK_QUEUE,
  DEAD_LETTER_JOB_NAME,
  DEAD_LETTER_QUEUE,
  DEFAULT_PREFIX,
  SMS_JOB_NAME,
  SMS_QUEUE,
} from "./queue-names.js";
export {
  MAX_DELAY_MS,
  MAX_PRIORITY,
  MAX_TTL_SECONDS,
  type SendSmsInput,
  type SendSmsReceipt,
} from "./send-input.js";
export { type SendManyResult, SmsProducer } from "./sms-producer.js";
export {
  type BullJobState,
  type SmsState,
  type SmsStatus,
  type SmsStatusWithoutDelivery,
  toSmsStatus,
} from "./sms-status.js";
export { contentProblem, isWellFormedText } from "./text-checks.js";

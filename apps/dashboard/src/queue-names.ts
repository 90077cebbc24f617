/** Names and prefix from the contract; kept beside the dashboard so it builds on its own. */
export const SMS_QUEUE = "sms";
export const DEAD_LETTER_QUEUE = "sms-dead-letter";
export const DEFAULT_PREFIX = "bull";

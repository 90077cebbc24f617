/**
 * Answers whether every key under this BullMQ prefix (`PREFIX:queue:…`) hashes to one Redis
 * Cluster slot, which BullMQ's multi-key scripts need. Redis hashes only a key's hash tag: the
 * text between its first `{` and the first `}` after it, when that text is not empty. The tag
 * must close inside the prefix, or the rest of each key would be part of it.
 *
 * @example
 * prefixHasHashTag("{sms}");     // true
 * prefixHasHashTag("shop{sms}"); // true
 * prefixHasHashTag("bull");      // false: keys of one queue spread over the cluster
 * prefixHasHashTag("{}sms");     // false: an empty tag counts as none
 */
export function prefixHasHashTag(prefix: string): boolean {
  const open = prefix.indexOf("{");
  if (open === -1) return false;
  const close = prefix.indexOf("}", open + 1);
  return close > open + 1;
}

/** Answers whether a connection is an ioredis `Cluster` (duck-typed, like the instance check). */
export function isClusterConnection(connection: unknown): boolean {
  return (
    typeof connection === "object" &&
    connection !== null &&
    (connection as { isCluster?: unknown }).isCluster === true
  );
}

/**
 * Why this prefix cannot work on this connection, or `undefined` when it can: on a Redis
 * Cluster, a prefix without a hash tag fails every queue operation with `CROSSSLOT`.
 */
export function clusterPrefixProblem(connection: unknown, prefix: string): string | undefined {
  if (!isClusterConnection(connection) || prefixHasHashTag(prefix)) return undefined;
  return `prefix: on Redis Cluster it must hold a hash tag such as "{sms}", so that all keys of a queue share one slot (the worker's SMS_QUEUE_PREFIX must match), got ${JSON.stringify(prefix)}`;
}

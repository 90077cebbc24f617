let prefixCounter = 0;

/** A fresh label, unique in this process and across processes started at other times. */
export function uniquePrefix(label = "t"): string {
  prefixCounter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${prefixCounter}`;
}

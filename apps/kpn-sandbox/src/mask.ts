/**
 * Masks a phone number for logs: `+31612345678` → `+316****5678`. Short or odd input keeps
 * only its last four characters, so nothing longer than that leaks.
 */
export function maskMobileNumber(number: string): string {
  if (number.length < 10) return `****${number.slice(-4)}`;
  return `${number.slice(0, 4)}****${number.slice(-4)}`;
}

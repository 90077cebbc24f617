/**
 * Dutch mobile numbers in the three documented forms (`06…`, `+316…`, `00316…`): the 06 range
 * with 8 digits after the 6, or the 097 machine-to-machine range with 9 digits after the 97.
 * 060, 067 and 069 are not valid mobile ranges. Spaces and dashes are refused on purpose: the
 * client is expected to normalise numbers, and the sandbox exists to catch it when it does not.
 */
export const MOBILE_NUMBER = /^(?:0|\+31|0031)(?:6[1-68]\d{7}|97\d{9})$/;

/**
 * The recipients of one `mobile_number`: the Bulk function allows a comma-separated list
 * (`"0612345678,0687654321"`), one number being a list of one.
 */
export function splitRecipients(mobileNumber: string): string[] {
  return mobileNumber.split(",");
}

/** A valid Dutch number in E.164 (`0612345678` → `+31612345678`), as reports carry it. */
export function toE164(number: string): string {
  if (number.startsWith("+")) return number;
  if (number.startsWith("00")) return `+${number.slice(2)}`;
  return `+31${number.slice(1)}`;
}

// The regional endpoints take the OUTWARD part of a UK postcode only (OX11, not "OX11 0QX").
const OUTWARD_RE = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;
const INWARD_RE = /^[0-9][A-Z]{2}$/;

/** "ox11 0qx" / "OX110QX" / "OX11" -> "OX11". Throws RangeError when no outward code can be read. */
export function outwardCode(postcode: string): string {
  const compact = postcode.trim().toUpperCase().replace(/\s+/g, ' ');
  const parts = compact.split(' ');
  let outward: string;
  if (parts.length === 2 && INWARD_RE.test(parts[1]!)) {
    outward = parts[0]!;
  } else if (
    parts.length === 1 &&
    compact.length >= 5 &&
    INWARD_RE.test(compact.slice(-3)) &&
    OUTWARD_RE.test(compact.slice(0, -3))
  ) {
    outward = compact.slice(0, -3); // full postcode written without its space
  } else {
    outward = compact;
  }
  if (!OUTWARD_RE.test(outward)) throw new RangeError(`not a UK postcode or outward code: ${JSON.stringify(postcode)}`);
  return outward;
}

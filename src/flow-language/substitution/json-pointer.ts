/** Appends one reference token to a JSON pointer (RFC 6901: "~" → "~0", "/" → "~1"). */
export function appendPointer(pointer: string, token: string | number): string {
  return `${pointer}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

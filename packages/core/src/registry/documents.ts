export function encodeDocument(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document, null, 2));
}

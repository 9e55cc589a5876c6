// Secrets that can appear in a connection string, a SAS URL, a URL's user info or an SDK message.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;\s]+/gi, '$1=***'],
  [/([?&](?:sig|se|sv|sp|st|spr|srt|ss|sr|skoid|sktid|skt|ske|sks|skv|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&\s]+/gi, '$1***'],
  [/(aws_secret_access_key|secretAccessKey)(["']?\s*[:=]\s*["']?)[^"',\s]+/gi, '$1$2***'],
  // user:pass@ (a password may hold "/", so everything up to the "@" goes).
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^@\s:]*:[^@\s]*@/gi, '$1***@'],
];

/** Masks credentials in any text meant for people: keys, signatures, and `user:pass@` in URLs. */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

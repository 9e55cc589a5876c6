import type { S3Client } from '@aws-sdk/client-s3';

/** The name of every command the client sends from now on, e.g. `PutObjectCommand`, in order. */
export function recordCommands(client: S3Client): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'modelregTestCommandRecorder' },
  );
  return sent;
}

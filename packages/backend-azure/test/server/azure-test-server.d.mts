/** The environment variable through which the global setup hands the test server to the test workers. */
export const CONNECTION_STRING_VARIABLE: 'MODELREG_TEST_AZURE_CONNECTION_STRING';
export const DEV_ACCOUNT: string;
export const DEV_ACCOUNT_KEY: string;
export function startAzureTestServer(): Promise<{ description: string; connectionString: string; stop(): Promise<void>; stopSync?(): void }>;

import { createRequire } from 'node:module';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { InvalidInputError } from '@modelreg/core/backend';

// An optional peer dependency: named through a variable so TypeScript does not need it installed.
const IDENTITY_PACKAGE = '@azure/identity';

interface IdentityModule {
  DefaultAzureCredential: new () => TokenCredential;
}

/**
 * `DefaultAzureCredential`, imported on the first token request so that `@azure/identity` (large, and
 * only needed for Entra ID sign-in) stays optional. Its absence is reported when the store is built.
 */
export class LazyDefaultAzureCredential implements TokenCredential {
  private credential: Promise<TokenCredential> | undefined;

  /** @param identityPackage where `DefaultAzureCredential` comes from; only tests name another. */
  constructor(private readonly identityPackage = IDENTITY_PACKAGE) {
    try {
      createRequire(import.meta.url).resolve(identityPackage);
    } catch (error) {
      throw new InvalidInputError(
        `Invalid AzureBlobStore options: credential: 'default' needs the optional peer dependency ${identityPackage}; ` +
          `install it next to @modelreg/backend-azure (npm install ${identityPackage}) or pass your own TokenCredential.`,
        { cause: error },
      );
    }
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.credential ??= import(this.identityPackage).then((identity: IdentityModule) => new identity.DefaultAzureCredential());
    return (await this.credential).getToken(scopes, options);
  }
}

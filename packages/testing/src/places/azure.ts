import type { AzureConnection } from '../servers/types.js';
import { type Place, emptyStore, uniqueName } from './place.js';

/** A container of its own, or a prefix of its own in the connection's shared container. */
export async function azurePlace(connection: AzureConnection, label: string): Promise<Place> {
  const { AzureBlobStore } = await import('@modelreg/backend-azure'); // the Azure SDK loads only when asked for
  const name = uniqueName(label);
  const ownContainer = connection.container === undefined;
  const container = connection.container ?? name;
  const prefix = ownContainer ? '' : name;
  const store = new AzureBlobStore({ connectionString: connection.connectionString, container, prefix });
  if (ownContainer) await store.containerClient.create();
  const base = connection.connectionString.replace(/;*$/, ';');
  return {
    store,
    url: `${base}Container=${container}${prefix === '' ? '' : `;Prefix=${prefix}`}`,
    env: {},
    remove: async () => {
      await emptyStore(store);
      if (ownContainer) await store.containerClient.delete();
    },
  };
}

/**
 * REQUEST_STATE_KEYS (packages/mcp-runtime request-state.ts): the secrets that sign input-required
 * state. Every replica must hold the same list, so each deployment target passes it from one secret.
 */
export const REQUEST_STATE_KEYS = 'REQUEST_STATE_KEYS';

/** How the READMEs and comments tell users to make a key (at least 32 bytes). */
export const REQUEST_STATE_KEY_COMMAND = 'openssl rand -base64 48';

/** The Kubernetes Secret (key REQUEST_STATE_KEYS) the pods read; created outside Slipway, like the database Secrets. */
export const requestStateSecretName = (service: string): string => `${service}-request-state`;

/** The Key Vault secret and the Container App secret that hold it on Azure. */
export const AZURE_REQUEST_STATE_SECRET = 'request-state-keys';

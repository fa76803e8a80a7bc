import { defineError, ExitCode } from '../define-error.js';

/**
 * Errors of Azure's guest-facing services (src/clouds/azure/): IMDS on 169.254.169.254 and the
 * wireserver on 168.63.129.16. Each is the status Azure answers; cloud-init's fallbacks key on it.
 */
export const azureErrors = {
  azureMetadataHeaderRequired: defineError('MC_ERR_AZURE_METADATA_HEADER', {
    summary: 'An Azure guest asked IMDS (/metadata/…) without the header `Metadata: true`; Azure answers such requests 400.',
    exit: ExitCode.usage,
    http: 400,
    message: () => 'Bad request. Required metadata header not specified',
    hint: () => 'Send `Metadata: true` with every request to Azure IMDS.',
  }),
  azureApiVersionRequired: defineError('MC_ERR_AZURE_API_VERSION_REQUIRED', {
    summary: 'An Azure guest asked IMDS without the query parameter `api-version`; Azure answers 400 and lists the newest versions.',
    exit: ExitCode.usage,
    http: 400,
    message: (newest: string) => `Bad request. api-version was not specified in the request; newest versions: ${newest}`,
  }),
  azureApiVersionInvalid: defineError('MC_ERR_AZURE_API_VERSION_INVALID', {
    summary: 'An Azure guest asked IMDS for an api-version Azure does not serve; Azure answers 400, which makes cloud-init fall back to 2019-06-01.',
    exit: ExitCode.usage,
    http: 400,
    message: (version: string, newest: string) => `Bad request. api-version ${JSON.stringify(version)} is invalid; newest versions: ${newest}`,
  }),
  azureImdsForwarded: defineError('MC_ERR_AZURE_FORWARDED', {
    summary: 'An Azure guest asked IMDS with an X-Forwarded-For header, so through a proxy; Azure refuses such requests with 400.',
    exit: ExitCode.usage,
    http: 400,
    message: () => 'Bad request. IMDS requests carrying X-Forwarded-For are refused',
  }),
  azureImdsBadRequest: defineError('MC_ERR_AZURE_IMDS_REQUEST', {
    summary: 'An Azure guest sent IMDS a request it cannot answer: a format it does not offer for that path, or a managed-identity token request without `resource`.',
    exit: ExitCode.usage,
    http: 400,
    message: (detail: string) => `Bad request. ${detail}`,
  }),
  wireserverBadRequest: defineError('MC_ERR_WIRESERVER_REQUEST', {
    summary: 'An Azure guest sent the wireserver (168.63.129.16) a request it refuses: no x-ms-version header, an unknown `comp`, or a health report that is not a Health document.',
    exit: ExitCode.usage,
    http: 400,
    message: (detail: string) => `wireserver: ${detail}`,
  }),
};

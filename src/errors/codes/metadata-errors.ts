import { defineError, ExitCode } from '../define-error.js';

/**
 * Errors of the metadata area. Add new codes here; docs/errors.md must list each one (a unit test checks).
 * The `http` status is what a guest sees; the metadata server answers every one of these with a plain-text
 * body `<message> [<code>]` (src/metadata/metadata-error-handler.ts).
 */
export const metadataErrors = {
  metadataUnavailable: defineError('MC_ERR_METADATA_UNAVAILABLE', {
    summary: 'The metadata subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `metadata: ${detail}`,
  }),
  metadataTokenSecretWeak: defineError('MC_ERR_METADATA_TOKEN_SECRET', {
    summary: 'The metadata server was built with an IMDSv2 token secret shorter than 32 bytes.',
    exit: ExitCode.internal,
    message: (length: number) => `the IMDSv2 token secret is ${length} bytes; at least 32 are needed`,
    hint: () => 'Generate the per-cloud secret with crypto.randomBytes(32) or longer.',
  }),
  metadataUnknownSource: defineError('MC_ERR_METADATA_UNKNOWN_SOURCE', {
    summary: 'A metadata request came from a source address that belongs to no instance.',
    exit: ExitCode.usage,
    http: 404,
    message: (ip: string) => `no instance has the source address ${ip}`,
    hint: () => 'Check the instance IPs (`minicloud ls`, or the --instances file) and that DNAT keeps the source address.',
  }),
  metadataNotFound: defineError('MC_ERR_METADATA_NOT_FOUND', {
    summary: 'The requested metadata path does not exist for this instance and API version.',
    exit: ExitCode.usage,
    http: 404,
    message: (path: string) => `no metadata at ${path}`,
    hint: () => 'List the parent directory to see what is served; docs/metadata-api.md lists every path.',
  }),
  metadataMethodNotAllowed: defineError('MC_ERR_METADATA_METHOD', {
    summary: 'The HTTP method is not allowed on this metadata path (the Allow header lists those that are).',
    exit: ExitCode.usage,
    http: 405,
    message: (method: string, path: string, allowed: string) => `${method} is not allowed on ${path}; use ${allowed}`,
  }),
  metadataBadRequest: defineError('MC_ERR_METADATA_BAD_REQUEST', {
    summary: 'A metadata request was malformed (bad path encoding, bad header, unreadable body).',
    exit: ExitCode.usage,
    http: 400,
    message: (detail: string) => `bad request: ${detail}`,
  }),
  metadataExpectationFailed: defineError('MC_ERR_METADATA_EXPECTATION', {
    summary: 'A metadata request carried an Expect header other than 100-continue, which the server cannot meet.',
    exit: ExitCode.usage,
    http: 417,
    message: (expect: string) => `cannot meet Expect: ${JSON.stringify(expect)}; only 100-continue is understood`,
  }),
  metadataHeadersTooLarge: defineError('MC_ERR_METADATA_HEADERS_TOO_LARGE', {
    summary: 'A metadata request\'s request line and headers were longer than the server accepts (8 KiB).',
    exit: ExitCode.usage,
    http: 431,
    message: (limit: number) => `request line and headers longer than ${limit} bytes`,
  }),
  metadataRequestTimeout: defineError('MC_ERR_METADATA_REQUEST_TIMEOUT', {
    summary: 'A client did not send its whole metadata request in time (the slowloris guard).',
    exit: ExitCode.usage,
    http: 408,
    message: (timeoutMs: number) => `the request did not arrive within ${timeoutMs} ms`,
  }),
  metadataBodyTooLarge: defineError('MC_ERR_METADATA_BODY_TOO_LARGE', {
    summary: 'A metadata request carried a body larger than the server accepts.',
    exit: ExitCode.usage,
    http: 413,
    message: (limit: number) => `request body larger than ${limit} bytes`,
  }),
  metadataInternal: defineError('MC_ERR_METADATA_INTERNAL', {
    summary: 'The metadata server failed while answering; the guest sees no detail, the event stream has it.',
    exit: ExitCode.internal,
    http: 500,
    message: () => 'internal error in the metadata server',
    hint: () => 'See the error notice on the event stream (`minicloud events`) and report it as a bug.',
  }),
  imdsTokenRequired: defineError('MC_ERR_IMDS_TOKEN_REQUIRED', {
    summary: 'The instance requires IMDSv2 and the request carried no session token.',
    exit: ExitCode.usage,
    http: 401,
    message: () => 'this instance requires an IMDSv2 session token (X-aws-ec2-metadata-token)',
    hint: () => 'PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds first, or set the instance to imdsv2: optional.',
  }),
  imdsTokenInvalid: defineError('MC_ERR_IMDS_TOKEN_INVALID', {
    summary: 'The IMDSv2 session token is malformed, forged, expired or issued to another instance.',
    exit: ExitCode.usage,
    http: 401,
    message: () => 'the IMDSv2 session token is invalid or expired',
    hint: () => 'Request a new token with PUT /latest/api/token.',
  }),
  imdsTokenTtlInvalid: defineError('MC_ERR_IMDS_TOKEN_TTL', {
    summary: 'The IMDSv2 token request had a missing or out-of-range X-aws-ec2-metadata-token-ttl-seconds.',
    exit: ExitCode.usage,
    http: 400,
    message: (value: string | null) =>
      value === null
        ? 'missing X-aws-ec2-metadata-token-ttl-seconds header'
        : `X-aws-ec2-metadata-token-ttl-seconds must be an integer from 1 to 21600, got ${JSON.stringify(value.slice(0, 40))}`,
  }),
  imdsTokenForwarded: defineError('MC_ERR_IMDS_TOKEN_FORWARDED', {
    summary: 'An IMDSv2 token request carried X-Forwarded-For, so it may come through a proxy; EC2 refuses it.',
    exit: ExitCode.usage,
    http: 403,
    message: () => 'token requests carrying X-Forwarded-For are refused',
  }),
  imdsTokenPath: defineError('MC_ERR_IMDS_TOKEN_PATH', {
    summary: 'An IMDSv2 token was requested on a dated path; as on EC2, only /latest/api/token issues tokens.',
    exit: ExitCode.usage,
    http: 403,
    message: (path: string) => `tokens are issued only at /latest/api/token, not ${path}`,
  }),
  passwordAlreadySet: defineError('MC_ERR_METADATA_PASSWORD_SET', {
    summary: 'The guest posted an OpenStack password but one is already stored (write-once, as in Nova).',
    exit: ExitCode.usage,
    http: 409,
    message: () => 'a password is already set for this instance',
  }),
  passwordTooLong: defineError('MC_ERR_METADATA_PASSWORD_TOO_LONG', {
    summary: 'The guest posted an OpenStack password longer than 1020 bytes (Nova\'s limit).',
    exit: ExitCode.usage,
    http: 400,
    message: (limit: number) => `the password is longer than ${limit} bytes`,
  }),
  gceFlavorRequired: defineError('MC_ERR_GCE_FLAVOR_REQUIRED', {
    summary: 'A GCE guest asked for /computeMetadata/ without the header `Metadata-Flavor: Google`; GCE refuses such requests with 403.',
    exit: ExitCode.usage,
    http: 403,
    message: (path: string) => `missing required header "Metadata-Flavor: Google" for ${path}`,
    hint: () => 'Send `Metadata-Flavor: Google` with every request to the GCE metadata server.',
  }),
  gceForwardedRefused: defineError('MC_ERR_GCE_FORWARDED', {
    summary: 'A GCE guest\'s metadata request carried X-Forwarded-For, so it may come through a proxy; GCE refuses it with 403.',
    exit: ExitCode.usage,
    http: 403,
    message: () => 'metadata requests carrying X-Forwarded-For are refused',
  }),
  gceGuestAttributeRefused: defineError('MC_ERR_GCE_GUEST_ATTRIBUTE', {
    summary: 'A GCE guest attribute write was refused: the path is not guest-attributes/<namespace>/<key>, a name or the value is invalid, or the instance has too many.',
    exit: ExitCode.usage,
    http: 400,
    message: (detail: string) => `guest attribute not written: ${detail}`,
  }),
  passwordServerRequestUnknown: defineError('MC_ERR_PASSWORD_SERVER_REQUEST', {
    summary: 'A CloudStack or Exoscale guest sent the password server a DomU_Request other than send_my_password or saved_password (CloudStack answers such requests bad_request).',
    exit: ExitCode.usage,
    http: 400,
    message: (value: string) => `unknown DomU_Request ${JSON.stringify(value)}; the password server understands send_my_password and saved_password`,
  }),
  opcAuthorizationRequired: defineError('MC_ERR_OPC_AUTHORIZATION', {
    summary: 'An OCI guest asked for /opc/v2/ without the header `Authorization: Bearer Oracle`; OCI refuses such requests.',
    exit: ExitCode.usage,
    http: 401,
    message: () => 'OCI instance metadata v2 requires the header "Authorization: Bearer Oracle"',
    hint: () => 'Send `Authorization: Bearer Oracle`, or read the legacy /opc/v1/ endpoints (no header).',
  }),
  opcForwardedRefused: defineError('MC_ERR_OPC_FORWARDED', {
    summary: 'An OCI guest asked for /opc/v2/ with a Forwarded, X-Forwarded-For or X-Forwarded-Host header; OCI rejects forwarded requests.',
    exit: ExitCode.usage,
    http: 403,
    message: (header: string) => `OCI instance metadata v2 rejects requests forwarded by a proxy (${header})`,
  }),
  scalewayPrivilegedPortRequired: defineError('MC_ERR_SCALEWAY_PORT', {
    summary: 'A Scaleway guest asked for user or vendor data from a source port of 1024 or above; Scaleway answers those only to a privileged port (403).',
    exit: ExitCode.usage,
    http: 403,
    message: (path: string, port: number) => `${path} is served only to a source port below 1024 (this request came from port ${port})`,
    hint: () => 'Bind a privileged source port as root, e.g. `curl --local-port 1-1023 http://169.254.42.42/user_data`.',
  }),
  akamaiTokenRequired: defineError('MC_ERR_AKAMAI_TOKEN', {
    summary: 'An Akamai guest asked the metadata service without a valid `Metadata-Token` (missing, unknown or expired); Akamai answers 401.',
    exit: ExitCode.usage,
    http: 401,
    message: (path: string) => `${path} needs a valid Metadata-Token header`,
    hint: () => 'Get one with `PUT /v1/token` (header `Metadata-Token-Expiry-Seconds: 300`) and send it as `Metadata-Token`.',
  }),
  akamaiTokenExpiryInvalid: defineError('MC_ERR_AKAMAI_TOKEN_EXPIRY', {
    summary: 'An Akamai guest asked for a token with a Metadata-Token-Expiry-Seconds that is not a whole number from 1 to 86400.',
    exit: ExitCode.usage,
    http: 400,
    message: (value: string) => `Metadata-Token-Expiry-Seconds must be a whole number from 1 to 86400, got ${JSON.stringify(value)}`,
  }),
};

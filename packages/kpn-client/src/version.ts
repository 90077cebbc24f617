/** Version of this package, sent in the default `User-Agent`. Kept equal to package.json by a test. */
export const KPN_CLIENT_VERSION = "0.1.0";
